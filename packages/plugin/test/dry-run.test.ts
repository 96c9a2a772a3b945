// Dry runs in the built wasm, on the simulated clock: a dry-run rule injects nothing of any kind, counts what it
// would have injected per rule in the counters delta, draws exactly as the reference does, and stops counting
// when its rule is deleted, halted, expired or the lease runs out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompiledRule, Halt } from '@hfi/policy';
import { decideFault, Xorshift64Star } from '@hfi/policy';
import { advanceTo, type PendingRequest, send } from './harness.js';
import { abort503, rule, ruleSet, T0 } from './rules.js';
import { ScriptedControlPlane, set, start } from './scripted-control-plane.js';

const GET = (path: string, upstreamStatus?: number) => ({ method: 'GET', path, ...(upstreamStatus ? { upstreamStatus } : {}) });
const on = (id: string, path: string, over: Partial<CompiledRule>): CompiledRule =>
  rule(id, { path: { kind: 'exact', value: path }, dryRun: true, ...over });

/** What the client saw: nothing of HFI's (no local reply, no reset, no x-hfi-fault), and when it ended. */
function untouched(p: PendingRequest): { ok: boolean; waitedMs: number } {
  const s = p.stream;
  const waitedMs = (p.endedAtMs ?? p.host.now()) - p.startedAtMs;
  if (s.state === 'continued' && !s.responseHeaders) s.sendResponseHeaders([[':status', '200']], true);
  const tagged = (s.responseHeaders ?? []).some(([k]) => k === 'x-hfi-fault');
  return { ok: s.localResponse === null && s.state !== 'reset' && !tagged, waitedMs };
}

/** Polls until one carries counters; returns them. */
async function nextCounters(cp: ScriptedControlPlane): Promise<any> {
  for (let n = cp.polls.length + 1; n < cp.polls.length + 20; n++) {
    await cp.untilPolls(n);
    if (cp.last.counters !== undefined) return cp.last.counters;
  }
  return undefined;
}

test('a dry-run rule of every kind injects nothing (no delay, abort, reset, response fault, x-hfi-fault) and counts each request it would have faulted', async () => {
  const cp = new ScriptedControlPlane();
  const rules = [
    on('abort/0', '/a', { abort: abort503 }),
    on('delay/0', '/d', { delayMs: 60_000, startDelayMs: 100 }),
    on('drawn/0', '/u', { delayDistribution: { kind: 'uniform', minMs: 1000, maxMs: 2000 } }),
    on('reset/0', '/r', { reset: true }),
    on('response/0', '/p', { abort: abort503, phase: 'response', responseStatus: { min: 500, max: 599 } }),
    on('limited/0', '/l', { abort: abort503, limit: { firstRequests: 2, perSecond: 0, maxActive: 0 } }),
    on('held/0', '/h', { delayMs: 60_000, limit: { firstRequests: 0, perSecond: 0, maxActive: 1 } }),
  ];
  cp.answer(set(rules, 1), { status: 304 });
  const host = await start(cp);
  try {
    await cp.untilPolls(2);
    const requests = [
      ...['/a', '/a', '/d', '/u', '/r', '/l', '/l', '/l', '/l', '/h', '/h', '/h'].map((path) => send(host, GET(path))),
      send(host, GET('/p', 503)),
      send(host, GET('/p', 200)),
    ];
    await advanceTo(host, host.now() + 5, requests);
    for (const [i, p] of requests.entries()) {
      const seen = untouched(p);
      assert.ok(seen.ok, `request ${i} was not touched`);
      assert.equal(seen.waitedMs, 0, `request ${i} did not wait`);
    }
    assert.equal(host.metric('wasmcustom_hfi_faults_aborts_total') ?? 0, 0);
    assert.equal(host.metric('wasmcustom_hfi_faults_delays_total') ?? 0, 0);
    const counters = await nextCounters(cp);
    assert.deepEqual(counters, {
      seq: 1,
      aborts: 0,
      delays: 0,
      wouldInject: 11,
      rules: {
        'abort/0': { aborts: 0, delays: 0, wouldInject: 2 },
        'delay/0': { aborts: 0, delays: 0, wouldInject: 1 },
        'drawn/0': { aborts: 0, delays: 0, wouldInject: 1 },
        'reset/0': { aborts: 0, delays: 0, wouldInject: 1 },
        'limited/0': { aborts: 0, delays: 0, wouldInject: 2 },
        'held/0': { aborts: 0, delays: 0, wouldInject: 3 },
        'response/0': { aborts: 0, delays: 0, wouldInject: 1 },
      },
    });
  } finally {
    host.close();
  }
});

test('dry run at 25%: the count is within a binomial interval, equals the reference decisions with the same seed, and a real rule after it draws as the reference says', async () => {
  const N = 2000;
  const seed = 0xd27_0015n;
  const rules = [
    on('dry/0', '/dry', { perMillion: 250_000, abort: abort503, delayDistribution: { kind: 'uniform', minMs: 5, maxMs: 50 } }),
    rule('real/0', { path: { kind: 'exact', value: '/real' }, perMillion: 500_000, abort: abort503 }),
  ];
  // The reference, same seed: the dry rule's requests, then the real rule's.
  const reference = new Xorshift64Star(seed);
  const wire = ruleSet(rules);
  const identity = { service: 'frontend', namespace: 'demo' };
  const decide = (path: string) => decideFault(wire, { method: 'GET', path, headers: [] }, identity, T0, reference);
  const expectedDry = Array.from({ length: N }, () => decide('/dry')).filter((d) => d.action === 'fault').length;
  const expectedReal = Array.from({ length: 200 }, () => decide('/real').action);

  const cp = new ScriptedControlPlane();
  cp.answer(set(rules, 1), { status: 304 });
  const host = await start(cp, {}, seed);
  try {
    await cp.untilPolls(2);
    let touched = 0;
    for (let i = 0; i < N; i++) if (!untouched(send(host, GET('/dry'))).ok) touched++;
    const real = Array.from({ length: 200 }, () => send(host, GET('/real')).observe().action);
    assert.equal(touched, 0, 'the dry rule touched no request');
    assert.deepEqual(real, expectedReal, 'the real rule after the dry run decides as the reference: the draws are the same');
    const counters = await nextCounters(cp);
    const counted = counters.rules['dry/0'].wouldInject;
    assert.equal(counted, expectedDry, 'exactly the requests the reference picks');
    // 25% of 2000: mean 500, sd 19.4; five sd either side.
    assert.ok(counted >= 403 && counted <= 597, `wouldInject ${counted} within [403, 597]`);
  } finally {
    host.close();
  }
});

const incident: Halt = { selector: { service: 'frontend', namespace: '*' }, reason: 'incident', createdAt: '2026-01-01T00:00:00.000Z' };

test('a dry run stops counting when its rule is deleted, halted, expired, or the lease runs out', async () => {
  const dry = on('dry/0', '/dry', { abort: abort503 });
  const countAfter = async (
    stop: (cp: ScriptedControlPlane) => void,
    config: Record<string, unknown> = {},
    over: Partial<CompiledRule> = {},
  ) => {
    const cp = new ScriptedControlPlane();
    cp.answer(set([{ ...dry, ...over }], 1), { status: 304 });
    const host = await start(cp, config);
    try {
      await cp.untilPolls(2);
      send(host, GET('/dry')).observe();
      const before = (await nextCounters(cp)).rules['dry/0'].wouldInject;
      stop(cp);
      await advanceTo(host, host.now() + 6_000, []);
      for (let i = 0; i < 5; i++) send(host, GET('/dry')).observe();
      await advanceTo(host, host.now() + 3_000, []);
      // Each report once (a resend repeats its seq).
      const later = new Map<number, any>(
        cp.polls
          .map((p) => p.body.counters)
          .filter((c) => c !== undefined && c.seq > 1)
          .map((c) => [c.seq, c]),
      );
      return { before, after: [...later.values()].reduce((n, c) => n + (c.rules['dry/0']?.wouldInject ?? 0), 0) };
    } finally {
      host.close();
    }
  };
  assert.deepEqual(await countAfter(() => {}), { before: 1, after: 5 }, 'not stopped: it goes on counting');
  assert.deepEqual(await countAfter((cp) => cp.answer(set([], 2))), { before: 1, after: 0 }, 'deleted');
  assert.deepEqual(await countAfter((cp) => cp.answer(set([dry], 2, { halts: [incident] }))), { before: 1, after: 0 }, 'halted');
  assert.deepEqual(await countAfter(() => {}, {}, { expiresAtMs: T0 + 3_000 }), { before: 1, after: 0 }, 'expired');
  assert.deepEqual(
    await countAfter(
      (cp) => {
        cp.idle = { fail: 'refused' };
      },
      { fault_lease_sec: 4, poll_hold_sec: 30 },
    ),
    { before: 1, after: 0 },
    'the lease ran out',
  );
});
