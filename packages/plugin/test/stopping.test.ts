// Faults stop when told, on the simulated clock: updates are polled for at once, halts and expired leases
// inject nothing, requests waiting on a rule that stopped applying are released at once, an epoch change is
// loud; and fault counters travel as acknowledged deltas that never grow past the current rule set.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CounterReport, compileChecker, DATA_PLANE_LIMITS } from '@hfi/api';
import type { CompiledRule, Halt } from '@hfi/policy';
import { advanceTo, CLUSTER, type PendingRequest, send, startPlugin } from './harness.js';
import { pluginConfigExamples } from './paths.js';
import { abort503, rule, T0 } from './rules.js';
import { ScriptedControlPlane, set, start } from './scripted-control-plane.js';

const GET = (path: string) => ({ method: 'GET', path });
const faultHeader = (p: PendingRequest): string | undefined => {
  if (p.stream.state === 'continued' && !p.stream.responseHeaders) p.stream.sendResponseHeaders([[':status', '200']], true);
  return p.stream.responseHeaders?.find(([k]) => k === 'x-hfi-fault')?.[1];
};

const abortOn = (id: string, path: string, over: Partial<CompiledRule> = {}) =>
  rule(id, { path: { kind: 'exact', value: path }, abort: abort503, ...over });
const delayOn = (id: string, path: string, over: Partial<CompiledRule> = {}) =>
  rule(id, { path: { kind: 'exact', value: path }, delayMs: 60_000, ...over });

test('after an answer that changed the version the plugin polls again at once; otherwise one poll a second at most', async () => {
  const cp = new ScriptedControlPlane();
  cp.answer(set([], 1), set([], 2), set([], 2), { status: 304 }, { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(6);
    const gaps = cp.polls.slice(1, 6).map((p, i) => p.atMs - cp.polls[i]!.atMs);
    assert.deepEqual(gaps.slice(0, 2), [0, 0], 'after v1 and after v2: at once');
    // v2 again (unchanged) and the 304s: 1 s after the previous poll started (to the tick timer's millisecond).
    assert.ok(
      gaps.slice(2).every((g) => g >= 1000 && g <= 1001),
      `gaps ${gaps}`,
    );
  } finally {
    host.close();
  }
});

test('counters: a numbered delta, resent unchanged until an answer acknowledges it; counts made meanwhile come next', async () => {
  const cp = new ScriptedControlPlane();
  cp.answer(set([abortOn('a/0', '/a'), abortOn('b/0', '/b')], 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    assert.equal(cp.last.counters, undefined, 'nothing counted: no counters');
    for (const path of ['/a', '/a', '/b']) send(host, GET(path)).observe();
    cp.answer({ fail: 'reset' }); // the answer to the poll carrying the first delta is lost
    await cp.untilPolls(3);
    const first = { seq: 1, aborts: 3, delays: 0, rules: { 'a/0': { aborts: 2, delays: 0 }, 'b/0': { aborts: 1, delays: 0 } } };
    assert.deepEqual(cp.last.counters, first);
    send(host, GET('/a')).observe();
    cp.answer({ status: 304 });
    await cp.untilPolls(4);
    assert.deepEqual(cp.last.counters, first, 'the retry carries the same delta, so the server can tell it saw it');
    await cp.untilPolls(5);
    assert.deepEqual(cp.last.counters, { seq: 2, aborts: 1, delays: 0, rules: { 'a/0': { aborts: 1, delays: 0 } } });
    await cp.untilPolls(6);
    assert.equal(cp.last.counters, undefined, 'acknowledged, and nothing new');
  } finally {
    host.close();
  }
});

test('counters: a rule that left the set is reported once more with what it counted, then forgotten', async () => {
  const cp = new ScriptedControlPlane();
  cp.answer(set([abortOn('a/0', '/a'), abortOn('b/0', '/b')], 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    send(host, GET('/a')).observe();
    cp.answer({ fail: 'reset' });
    await cp.untilPolls(3); // carries a/0: 1, answer lost
    send(host, GET('/a')).observe(); // counted while the first delta is unacknowledged
    cp.answer(set([abortOn('b/0', '/b')], 2)); // the retry is answered with a set without a/0
    await cp.untilPolls(5);
    assert.deepEqual(cp.polls[3]!.body.counters.rules, { 'a/0': { aborts: 1, delays: 0 } }, 'the retry');
    assert.deepEqual(cp.polls[4]!.body.counters, { seq: 2, aborts: 1, delays: 0, rules: { 'a/0': { aborts: 1, delays: 0 } } });
    assert.equal(send(host, GET('/a')).observe().action, 'pass');
    send(host, GET('/b')).observe();
    await cp.untilPolls(7);
    const later = cp.polls.slice(5).map((p) => p.body.counters);
    assert.deepEqual(later.filter(Boolean), [{ seq: 3, aborts: 1, delays: 0, rules: { 'b/0': { aborts: 1, delays: 0 } } }]);
  } finally {
    host.close();
  }
});

test("counters: 2,500 distinct rules counted on one VM are reported in deltas of at most the contract's 1,000 rules, each once, each a CounterReport", async () => {
  const cap = DATA_PLANE_LIMITS.countedRulesPerPoll;
  const cp = new ScriptedControlPlane();
  const rules = Array.from({ length: 2500 }, (_, i) => abortOn(`p${i}/0`, `/r${i}`));
  cp.answer(set(rules, 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    for (let i = 0; i < rules.length; i++) send(host, GET(`/r${i}`)).observe();
    await cp.untilPolls(6);
    const reports = cp.polls.slice(2, 6).map((p) => p.body.counters);
    assert.deepEqual(
      reports.map((r) => r && [r.seq, Object.keys(r.rules).length, r.aborts]),
      [[1, cap, cap], [2, cap, cap], [3, 2500 - 2 * cap, 2500 - 2 * cap], undefined],
    );
    const named = new Set(reports.flatMap((r) => (r ? Object.keys(r.rules) : [])));
    assert.equal(named.size, 2500, 'every rule once');
    const schema = compileChecker(CounterReport);
    for (const report of reports.filter(Boolean)) assert.deepEqual(schema.errors(report), [], 'each report fits CounterReport');
  } finally {
    host.close();
  }
});

const incident: Halt = { selector: { service: 'frontend', namespace: '*' }, reason: 'incident 7', createdAt: '2026-01-01T00:00:00.000Z' };

test('a halt that covers this workload: nothing is injected and waiting requests are released at once; lifted, faults return', async () => {
  const cp = new ScriptedControlPlane();
  const rules = [abortOn('a/0', '/a'), delayOn('d/0', '/slow')];
  cp.answer(set(rules, 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    const slow = send(host, GET('/slow'));
    assert.equal(slow.stream.state, 'headers-paused');
    cp.answer(set(rules, 2, { halts: [incident] })); // the set still lists rules: the plugin obeys the halt all the same
    await cp.untilPolls(3, [slow]);
    await advanceTo(host, host.now() + 1, [slow]);
    assert.equal(slow.stream.state, 'continued', 'released at once, not after 60 s');
    assert.equal(faultHeader(slow), undefined, 'a released request carries no x-hfi-fault');
    assert.equal(send(host, GET('/a')).observe().action, 'pass');
    assert.equal(host.metric('wasmcustom_hfi_halted'), 1);
    assert.equal(host.metric('wasmcustom_hfi_faults_released_total'), 1);
    assert.ok(host.logs.some((l) => l.level === 3 && l.message.includes('halted by the control plane (incident 7)')));

    cp.answer(set(rules, 3));
    await cp.untilPolls(5);
    assert.equal(send(host, GET('/a')).observe().ruleId, 'a/0');
    assert.equal(host.metric('wasmcustom_hfi_halted'), 0);
  } finally {
    host.close();
  }
});

test("a halt of another service leaves this workload's faults alone", async () => {
  const cp = new ScriptedControlPlane();
  cp.answer(set([abortOn('a/0', '/a')], 1, { halts: [{ ...incident, selector: { service: 'backend', namespace: '*' } }] }));
  const host = await start(cp);
  try {
    assert.equal(send(host, GET('/a')).observe().ruleId, 'a/0');
    assert.equal(host.metric('wasmcustom_hfi_halted'), 0);
  } finally {
    host.close();
  }
});

test('a new set releases at once the requests whose rule it removed or changed; others keep their deadline', async () => {
  const cp = new ScriptedControlPlane();
  const kept = delayOn('kept/0', '/kept', { delayMs: 5_000 });
  cp.answer(set([kept, delayOn('changed/0', '/changed'), delayOn('removed/0', '/removed')], 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    const [k, c, r] = ['/kept', '/changed', '/removed'].map((path) => send(host, GET(path)));
    const all = [k!, c!, r!];
    // policyVersion 2: the policy was written again, so its rule may mean something else now.
    cp.answer(set([kept, delayOn('changed/0', '/changed', { policyVersion: '2' }), delayOn('unrelated/0', '/u')], 2));
    await cp.untilPolls(3, all);
    await advanceTo(host, host.now() + 1, all);
    assert.deepEqual(
      all.map((p) => p.stream.state),
      ['headers-paused', 'continued', 'continued'],
    );
    assert.equal(host.metric('wasmcustom_hfi_faults_released_total'), 2);
    await advanceTo(host, k!.startedAtMs + 5_000, all);
    assert.equal(k!.endedAtMs! - k!.startedAtMs, 5_000, 'the unchanged rule delays as it would have');
    assert.equal(faultHeader(k!), 'kept/0');
  } finally {
    host.close();
  }
});

test('an epoch change is logged at warn and counted; the old rules are dropped and their waiting requests released', async () => {
  const cp = new ScriptedControlPlane();
  const rules = [delayOn('d/0', '/d'), abortOn('a/0', '/a')];
  cp.answer(set(rules, 9, { epoch: 'old' }), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    const waiting = send(host, GET('/d'));
    cp.answer(set([], 1, { epoch: 'new' }));
    await cp.untilPolls(3, [waiting]);
    await advanceTo(host, host.now() + 1, [waiting]);
    assert.equal(waiting.stream.state, 'continued');
    assert.equal(send(host, GET('/a')).observe().action, 'pass');
    assert.equal(host.metric('wasmcustom_hfi_epoch_changes_total'), 1);
    const warned = host.logs.filter((l) => l.level === 3 && l.message.includes('epoch changed'));
    assert.deepEqual(
      warned.map((l) => l.message),
      ['hfi: control plane epoch changed from old to new: its store was reset; dropping 2 rules'],
    );
  } finally {
    host.close();
  }
});

test('lease: polls hold at most half of it; silent that long, the plugin injects nothing and releases waiting requests; an answer renews it', async () => {
  const cp = new ScriptedControlPlane();
  cp.answer(set([abortOn('a/0', '/a'), delayOn('d/0', '/d')], 1), { status: 304 });
  const host = await start(cp, { fault_lease_sec: 4, poll_hold_sec: 30 });
  try {
    await cp.untilPolls(3);
    assert.equal(cp.polls[0]!.body.holdMs, 2_000, 'the hold is capped at half the lease');
    assert.equal(host.httpCalls[0]!.timeoutMs, 7_000);
    assert.equal(send(host, GET('/a')).observe().ruleId, 'a/0');
    const waiting = send(host, GET('/d'));
    cp.idle = { fail: 'refused' }; // the control plane goes away
    const lastAnswerAt = cp.polls.at(-1)!.atMs;
    await advanceTo(host, lastAnswerAt + 3_900, [waiting]);
    assert.equal(waiting.stream.state, 'headers-paused', 'within the lease the fault goes on');
    await advanceTo(host, lastAnswerAt + 4_100, [waiting]);
    assert.equal(waiting.stream.state, 'continued', 'released when the lease expired');
    assert.equal(faultHeader(waiting), undefined);
    assert.equal(send(host, GET('/a')).observe().action, 'pass');
    assert.equal(host.metric('wasmcustom_hfi_lease_expired'), 1);
    await advanceTo(host, host.now() + 30_000, []);
    assert.equal(host.metric('wasmcustom_hfi_lease_expiries_total'), 1);
    assert.equal(host.logs.filter((l) => l.level === 3 && l.message.includes('fault_lease_sec')).length, 1, 'logged once');

    cp.idle = { status: 304 }; // back
    await advanceTo(host, host.now() + 70_000, []);
    assert.equal(send(host, GET('/a')).observe().ruleId, 'a/0', 'the lease is renewed by any answer');
    assert.equal(host.metric('wasmcustom_hfi_lease_expired'), 0);
    assert.ok(host.logs.some((l) => l.message.includes('lease renewed')));
  } finally {
    host.close();
  }
});

for (const [file, stopsAfterMs] of [
  ['keep-rules.json', null],
  ['lease.json', 60_000],
] as const) {
  test(`examples/plugin-config/${file}: ${stopsAfterMs ? 'faults stop 60 s after the control plane went silent' : 'the last rules are kept while the control plane is silent'}`, async () => {
    const cp = new ScriptedControlPlane();
    cp.answer(set([abortOn('a/0', '/a')], 1), { status: 304 });
    const host = await startPlugin({
      startTimeMs: T0,
      controlPlane: cp.handler,
      pluginConfig: readFileSync(join(pluginConfigExamples, file), 'utf8'),
    });
    cp.host = host;
    try {
      await cp.untilPolls(2);
      assert.equal(cp.polls[0]!.body.holdMs, 30_000, 'the hold the example sets (half of a 60 s lease)');
      cp.idle = { fail: 'refused' };
      const silentFrom = cp.polls.at(-1)!.atMs;
      await advanceTo(host, silentFrom + 59_000, []);
      assert.equal(send(host, GET('/a')).observe().action, 'fault');
      await advanceTo(host, silentFrom + 61_000, []);
      assert.equal(send(host, GET('/a')).observe().action, stopsAfterMs ? 'pass' : 'fault');
    } finally {
      host.close();
    }
  });
}

// ---- counted faults: counts follow the rule, not the set ---------------------------------------------------

const firstTwo = { firstRequests: 2, perSecond: 0, maxActive: 0 };

test('counted faults: counts survive another policy changing, and restart when their own policy is written again', async () => {
  const cp = new ScriptedControlPlane();
  cp.answer(set([abortOn('first/0', '/f', { limit: firstTwo })], 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    const faulted = () => send(host, GET('/f')).observe().action;
    assert.deepEqual([faulted(), faulted(), faulted()], ['fault', 'fault', 'pass']);
    cp.answer(set([abortOn('first/0', '/f', { limit: firstTwo }), abortOn('other/0', '/o')], 2), { status: 304 });
    await cp.untilPolls(4);
    assert.equal(faulted(), 'pass', 'another policy came: first/0 keeps its count');
    cp.answer(set([abortOn('first/0', '/f', { limit: firstTwo, policyVersion: '2' })], 3), { status: 304 });
    await cp.untilPolls(6);
    assert.deepEqual([faulted(), faulted(), faulted()], ['fault', 'fault', 'pass'], 'its policy was written again: counts restart');
  } finally {
    host.close();
  }
});

test('counted faults: each worker VM counts for itself (docs/plugin.md "Counted faults")', async () => {
  const cp = new ScriptedControlPlane();
  cp.idle = set([abortOn('first/0', '/f', { limit: firstTwo })], 1); // every worker's poll gets the set
  const host = await startPlugin({
    workers: 2,
    startTimeMs: T0,
    controlPlane: cp.handler,
    pluginConfig: JSON.stringify({ control_plane_cluster: CLUSTER, retry_interval_sec: 1 }),
  });
  cp.host = host;
  try {
    await cp.untilPolls(2);
    const on = (worker: number) => send(host, GET('/f'), worker).observe().action;
    assert.deepEqual([on(0), on(0), on(0), on(1), on(1), on(1)], ['fault', 'fault', 'pass', 'fault', 'fault', 'pass']);
  } finally {
    host.close();
  }
});

test('maxActive: over the cap a request passes and is counted; a release at the deadline or by a halt frees the place', async () => {
  const cp = new ScriptedControlPlane();
  const capped = delayOn('held/0', '/h', { delayMs: 5_000, limit: { firstRequests: 0, perSecond: 0, maxActive: 1 } });
  cp.answer(set([capped], 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    const held = send(host, GET('/h'));
    const over = send(host, GET('/h'));
    assert.equal(over.observe().action, 'pass', 'the second is over maxActive');
    assert.equal(host.metric('wasmcustom_hfi_faults_over_max_active_total'), 1);
    await advanceTo(host, host.now() + 5_000, [held]);
    assert.deepEqual([held.observe().ruleId, held.endedAtMs! - held.startedAtMs], ['held/0', 5_000], 'the first waited its 5 s');
    const next = send(host, GET('/h'));
    await advanceTo(host, host.now() + 5, [next]);
    assert.equal(next.settled, false, 'its place is free again: the next one is held');
    const haltedAt = host.now();
    cp.answer(set([capped], 2, { halts: [incident] }));
    await cp.untilPolls(cp.polls.length + 1, [next]);
    await advanceTo(host, host.now() + 1, [next]);
    assert.ok(host.now() - haltedAt < 4_000, 'the halt came before the deadline');
    assert.equal(next.settled, true, 'released by the halt');
    assert.equal(next.observe().action, 'pass');
  } finally {
    host.close();
  }
});
