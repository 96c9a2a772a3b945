// waitFor: returns as soon as the condition holds, and fails saying what it waited for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../src/wait.js';

test('waitFor resolves once the condition holds, with the milliseconds it waited', async () => {
  let calls = 0;
  const waited = await waitFor(() => ++calls === 3, { what: 'the third call', intervalMs: 5 });
  assert.equal(calls, 3);
  assert.ok(waited >= 0 && waited < 5_000, `waited ${waited} ms`);
});

test('waitFor times out naming what it waited for, asked at the deadline', async () => {
  let seen = 0;
  await assert.rejects(
    waitFor(() => ++seen < 0, { what: () => `a negative count; saw ${seen}`, timeoutMs: 50, intervalMs: 5 }),
    (error: Error) => /^timed out after 50 ms waiting for a negative count; saw \d+$/.test(error.message) && seen > 1,
  );
});

test('a check that throws ends the wait with its error', async () => {
  await assert.rejects(
    waitFor(
      () => {
        throw new Error('the process exited');
      },
      { what: 'never' },
    ),
    /the process exited/,
  );
});
