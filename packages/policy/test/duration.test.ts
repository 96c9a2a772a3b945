// Durations in settings and flags: one reading for the CLI and the control plane.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationSettingMs } from '../src/duration.js';

const ms = (text: string): number | string => {
  const r = parseDurationSettingMs(text);
  return r.ok ? r.ms : r.reason;
};

test('a duration setting takes Go-style durations and plain seconds', () => {
  assert.equal(ms('10s'), 10_000);
  assert.equal(ms('500ms'), 500);
  assert.equal(ms('1m30s'), 90_000);
  assert.equal(ms('1.5h'), 5_400_000);
  assert.equal(ms('30'), 30_000);
  assert.equal(ms(' 1.5 '), 1500);
  assert.equal(ms('0'), 0);
});

test('a duration setting refuses anything else, saying why', () => {
  for (const bad of ['', 'soon', '10x', 's', '10s garbage', '-1s', '-5', '1s2', '0.0001']) {
    assert.equal(typeof ms(bad), 'string', bad);
  }
});
