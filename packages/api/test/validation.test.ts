// Schema checks report what the API's error details carry: the field by path, and what was expected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPONENT_SCHEMAS, CounterReport, compileChecker, DataPlanePollBody, PluginConfig } from '../src/index.js';

const poll = compileChecker(DataPlanePollBody, [...COMPONENT_SCHEMAS]);
const report = compileChecker(CounterReport);
const valid = { wireVersion: 1, identity: { service: 'a', namespace: null }, instance: 'p/1', epoch: '', version: 0, holdMs: 0 };

test('a valid poll passes, from an older or newer data plane too; fields a newer data plane adds are ignored', () => {
  assert.deepEqual(poll.errors(valid), []);
  assert.deepEqual(poll.errors({ ...valid, wireVersion: 3 }), [], 'a newer plugin is answered with the sets it can read');
  assert.ok(poll.check({ ...valid, somethingNew: true }));
});

test('each bad field is named by its path, with what was expected and what was found', () => {
  const details = poll.errors({ ...valid, wireVersion: 0, version: -1 });
  assert.deepEqual(details, [
    { path: 'wireVersion', message: 'expected integer to be greater or equal to 1, found number 0' },
    { path: 'version', message: 'expected integer to be greater or equal to 0, found number -1' },
  ]);
  assert.deepEqual(report.errors({ seq: 1, rules: { 'a/0': { aborts: 'x' } } }), [
    { path: 'rules["a/0"].aborts', message: 'expected integer, found string "x"' },
  ]);
});

test("a poll's counters never make it invalid: they are read apart, leniently, as a CounterReport", () => {
  for (const counters of ['lots', { rules: [] }, { seq: 0 }, { seq: 1, rules: { 'a/0': { aborts: -1 } } }, null]) {
    assert.deepEqual(poll.errors({ ...valid, counters }), [], JSON.stringify(counters));
  }
  assert.ok(report.check({ seq: 3, aborts: 1, delays: 0, rules: { 'a/0': { aborts: 1 } } }));
  assert.equal(report.check({ aborts: 1 }), false, 'a report without seq');
});

test('a missing field is "required"; an unknown one in a closed object is "unknown field"', () => {
  const { instance: _, ...withoutInstance } = valid;
  assert.deepEqual(poll.errors(withoutInstance), [{ path: 'instance', message: 'is required' }]);
  const config = compileChecker(PluginConfig);
  assert.deepEqual(config.errors({ poll_hold: 30 }), [{ path: 'poll_hold', message: 'unknown field' }]);
});

test('a value of a union is explained by the form it came closest to', () => {
  const config = compileChecker(PluginConfig);
  assert.deepEqual(config.errors({ poll_hold_sec: 900 }), [
    { path: 'poll_hold_sec', message: 'expected number to be less or equal to 300, found number 900' },
  ]);
  assert.ok(config.check({ poll_hold_sec: '30', debug: true }));
});

test('a huge bad body gets a bounded list of details', () => {
  const rules = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`r/${i}`, { aborts: -1 }]));
  const details = report.errors({ seq: 1, rules });
  assert.equal(details.length, 51);
  assert.equal(details.at(-1)?.message, 'more problems not listed');
});
