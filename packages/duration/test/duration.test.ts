// Go's duration grammar in whole milliseconds, and duration settings (a plain number is seconds).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DurationResult, parseDurationMs, parseDurationSettingMs } from '../src/duration.js';

const outcome = (r: DurationResult): number | string => (r.ok ? r.ms : r.reason);
const ms = (text: string) => outcome(parseDurationMs(text));
const setting = (text: string) => outcome(parseDurationSettingMs(text));

test('Go-style durations, compound and fractional, in whole milliseconds', () => {
  assert.equal(ms('15s'), 15_000);
  assert.equal(ms('1500ms'), 1500);
  assert.equal(ms('1m30s'), 90_000);
  assert.equal(ms('1h0m0.5s'), 3_600_500);
  assert.equal(ms('1.5h'), 5_400_000);
  assert.equal(ms('1.5s'), 1500);
  assert.equal(ms('.5s'), 500);
  assert.equal(ms('2.m'), 120_000);
  assert.equal(ms('+1s'), 1000);
  assert.equal(ms('1500000us'), 1500);
  assert.equal(ms('1000µs'), 1);
  assert.equal(ms('1000μs'), 1);
  assert.equal(ms('2000000ns'), 2);
  assert.equal(ms('0'), 0);
  assert.equal(ms('0s'), 0);
  assert.equal(ms(' 250ms '), 250, 'surrounding blanks are ignored');
});

test('what Go refuses is refused, saying why', () => {
  for (const bad of ['s', '.s', 'soon', 'abc15s', '1.2.3s', '1,5s', '1e3ms', '0x10', '15S', '1 s', '10s garbage']) {
    assert.equal(typeof ms(bad), 'string', JSON.stringify(bad));
  }
  assert.equal(ms(''), 'is empty');
  assert.equal(ms('soon'), 'expected a duration such as "250ms", "1.5s" or "1m30s"');
  assert.equal(ms('1d'), 'has unknown unit "d": use ns, us, ms, s, m or h');
  assert.equal(ms('1h30'), 'has a number without a unit: expected a duration such as "250ms", "1.5s" or "1m30s"');
  assert.equal(ms('1500'), 'has a number without a unit: expected a duration such as "250ms", "1.5s" or "1m30s"');
});

test('HFI refuses what Go takes but HFI cannot use: negative or not whole milliseconds', () => {
  for (const negative of ['-1s', '-0', '-5']) assert.equal(ms(negative), 'must not be negative', negative);
  for (const fraction of ['1500us', '1.5ms', '0.0001s', '1.00000000000001h']) {
    assert.equal(ms(fraction), 'is not a whole number of milliseconds', fraction);
  }
  assert.equal(ms('1.000000000000s'), 1000, 'trailing zeros in a fraction change nothing');
});

test("past Go's int64 nanoseconds (about 292 years) is too large, however it is written", () => {
  assert.equal(ms('2562047h47m16.854s'), 9_223_372_036_854);
  assert.equal(ms('2562047h47m16.855s'), 'is too large');
  assert.equal(ms('9223372036854775807ns'), 'is not a whole number of milliseconds', 'within range, not whole ms');
  assert.equal(ms('9223372036854000000ns'), 9_223_372_036_854);
  assert.equal(ms('1234567890123456ms'), 'is too large');
  assert.equal(ms('99999999999999999999999999999s'), 'is too large');
  assert.equal(ms(`${'0'.repeat(40)}1s`), 1000, 'leading zeros are not digits that count');
  assert.equal(ms('2562047h2562047h'), 'is too large', 'terms add up');
});

test('a duration setting takes Go-style durations and plain seconds', () => {
  assert.equal(setting('10s'), 10_000);
  assert.equal(setting('500ms'), 500);
  assert.equal(setting('1m30s'), 90_000);
  assert.equal(setting('30'), 30_000);
  assert.equal(setting(' 1.5 '), 1500);
  assert.equal(setting('0'), 0);
});

test('a duration setting refuses anything else, saying why', () => {
  for (const bad of ['', 'soon', '10x', 's', '10s garbage', '-1s', '-5', '1s2', '0.0001']) {
    assert.equal(typeof setting(bad), 'string', bad);
  }
  assert.equal(setting('-5'), 'must not be negative');
  assert.equal(setting('0.0001'), 'is not a whole number of milliseconds');
});
