import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PeriodicRound } from '../src/periodic-round.js';

test('a run while a round is running joins it instead of starting another, and stop waits for it', async () => {
  let started = 0;
  let finish: () => void = () => {};
  const rounds = new PeriodicRound(() => {
    started++;
    return new Promise<void>((resolve) => {
      finish = resolve;
    });
  });
  const first = rounds.run();
  const joined = rounds.run();
  assert.equal(joined, first);
  assert.equal(started, 1);
  let stopped = false;
  const stopping = rounds.stop().then(() => {
    stopped = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stopped, false, 'stop resolved while the round was still running');
  finish();
  await stopping;
  assert.equal(stopped, true);
  const second = rounds.run();
  finish();
  await second;
  assert.equal(started, 2, 'a run after the round finished starts a new one');
});
