import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, relative, shortDuration, spokenMs, spokenSeconds } from './time.js';

test('ages read like kubectl: 5s, 3m, 2h, 4d, 2y', () => {
  assert.equal(shortDuration(0), '0s');
  assert.equal(shortDuration(5_000), '5s');
  assert.equal(shortDuration(119_999), '119s');
  assert.equal(shortDuration(180_000), '3m');
  assert.equal(shortDuration(2 * 3_600_000), '2h');
  assert.equal(shortDuration(4 * 86_400_000), '4d');
  assert.equal(shortDuration(800 * 86_400_000), '2y');
  assert.equal(shortDuration(-500), '0s', 'small clock skew');
  assert.equal(shortDuration(-60_000), '<invalid>');
});

test('formatAge and relative take ISO times against an injected now', () => {
  const now = Date.parse('2025-01-01T00:10:00Z');
  assert.equal(formatAge('2025-01-01T00:00:00Z', now), '10m');
  assert.equal(formatAge(undefined, now), '<unknown>');
  assert.equal(formatAge('yesterday', now), '<unknown>');
  assert.equal(relative('2025-01-01T00:15:00Z', now), 'in 5m');
  assert.equal(relative('2025-01-01T00:09:30Z', now), '30s ago');
});

test('durations are spoken the way people write them', () => {
  assert.equal(spokenMs(250), '250ms');
  assert.equal(spokenMs(1000), '1s');
  assert.equal(spokenMs(1500), '1.5s');
  assert.equal(spokenMs(90_000), '1m30s');
  assert.equal(spokenSeconds(3600), '1h');
  assert.equal(spokenSeconds(0), '0s');
});
