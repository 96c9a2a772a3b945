// hfi-proxy's duration flags: Go's time.ParseDuration spellings, a bare integer as milliseconds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationFlag } from '../src/duration.js';

const ms = (text: string) => {
  const parsed = parseDurationFlag(text);
  return parsed.ok ? parsed.ms : parsed.reason;
};

test('Go-style durations, compound and fractional, in whole milliseconds', () => {
  assert.equal(ms('15s'), 15_000);
  assert.equal(ms('1500ms'), 1500);
  assert.equal(ms('1m30s'), 90_000);
  assert.equal(ms('1h0m0.5s'), 3_600_500);
  assert.equal(ms('1.5s'), 1500);
  assert.equal(ms('.5s'), 500);
  assert.equal(ms('2.m'), 120_000);
  assert.equal(ms('+1s'), 1000);
  assert.equal(ms('1500000us'), 1500);
  assert.equal(ms('1000µs'), 1);
  assert.equal(ms('2000000ns'), 2);
});

test('a bare integer is milliseconds, as the flag took before', () => {
  assert.equal(ms('15000'), 15_000);
  assert.equal(ms('1'), 1);
});

test('what Go refuses is refused, with the reason', () => {
  for (const bad of ['', 's', '.s', '10s garbage', 'abc15s', '1 s', '15S', '1.2.3s', '1,5s', '1e3ms', '0x10']) {
    assert.equal(typeof ms(bad), 'string', JSON.stringify(bad));
  }
  assert.equal(ms('1d'), 'has unknown unit "d": use ns, us, ms, s, m or h');
  assert.equal(ms('1h30'), 'has a number without a unit: expected a duration such as 15s, 1500ms or 1m30s');
  assert.equal(ms('1500.5'), 'has a number without a unit: expected a duration such as 15s, 1500ms or 1m30s');
});

test('a timeout is > 0, a whole number of ms, and no longer than a Node timer can wait', () => {
  for (const zero of ['0', '0s', '-0', '-5s']) assert.equal(ms(zero), 'must be greater than 0', zero);
  assert.equal(ms('1500us'), 'is not a whole number of milliseconds');
  assert.equal(ms('596h31m23.647s'), 2 ** 31 - 1);
  assert.match(String(ms('596h31m23.648s')), /^is too large: at most 2147483647ms/);
  assert.match(String(ms('99999999999')), /^is too large/);
  assert.equal(ms('9999999999h'), 'is too large');
});
