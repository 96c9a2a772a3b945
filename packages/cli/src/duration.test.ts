import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationMs } from './duration.js';

test('--timeout accepts units, compound durations and plain seconds', () => {
  assert.equal(parseDurationMs('10s'), 10_000);
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('2h'), 7_200_000);
  assert.equal(parseDurationMs('7'), 7000);
});

test('--timeout refuses what is not a duration', () => {
  for (const bad of ['', 'soon', '10x', 's', '10s garbage', '-1s']) assert.equal(parseDurationMs(bad), null, bad);
});
