// One suite, two implementations: the same decision cases through the reference `decideFault`
// (@hfi/policy) and through the built wasm in the test host, which must agree exactly: decision kind,
// rule id, total wait, abort status/body/headers/grpc status — including which requests the
// per-million draws fault (same seed, draws consumed in the same cases).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  type CompactRuleSet,
  type CompiledRuleSet,
  CountedFaults,
  compileRuleSet,
  type Decision,
  decideFault,
  expandRuleSet,
  responseFaulted,
  type StoredPolicy,
  Xorshift64Star,
} from '@hfi/policy';
import fc from 'fast-check';
import {
  advanceTo,
  expectedOf,
  longestWaitMs,
  type Observed,
  type PendingRequest,
  type RequestSpec,
  send,
  startPlugin,
} from './harness.js';
import { policyCompactWireFixtures, policyInlineWireFixtures, policyWireFixtures } from './paths.js';

interface WireCase {
  name: string;
  request: RequestSpec;
  nowMs: number;
  expected: Decision;
}
interface WireFixture {
  description: string;
  seed: string;
  identity: { service: string | null; namespace: string | null };
  /** The rule form (wire versions 1 to 4) or the compact form (5). */
  ruleSet: CompiledRuleSet | CompactRuleSet;
  cases: WireCase[];
}

/** Runs cases in order in one VM; requests at the same instant are all sent before the clock moves. */
async function runInWasm(
  fixture: { seed: bigint; identity: WireFixture['identity']; ruleSet: CompiledRuleSet; body?: string },
  cases: Array<{ request: RequestSpec; nowMs: number }>,
): Promise<Observed[]> {
  const first = cases[0]?.nowMs ?? 1_763_769_601_000;
  const host = await startPlugin({
    ruleSet: fixture.body ?? fixture.ruleSet,
    vmSeed: fixture.seed,
    identity: fixture.identity,
    startTimeMs: first - 1000,
  });
  try {
    const pending: PendingRequest[] = [];
    for (const c of cases) {
      await advanceTo(host, c.nowMs, pending);
      pending.push(send(host, c.request));
    }
    await advanceTo(host, host.now() + longestWaitMs(fixture.ruleSet) + 5, pending);
    assert.ok(
      host.vms.every((vm) => !vm.failed),
      'no VM failed',
    );
    return pending.map((p) => p.observe());
  } finally {
    host.close();
  }
}

for (const [form, dir] of [
  ['golden wire fixture', policyWireFixtures],
  ['golden fixture of the compact form (wire version 5)', policyCompactWireFixtures],
  ['fixture of the inline form (wire versions 1-3, an older control plane)', policyInlineWireFixtures],
] as const) {
  test(`every ${form} runs in the wasm, and each of its cases decides as recorded`, async (t) => {
    // Every file but the README is a fixture: one the suite skipped, or one without cases, would prove nothing.
    const files = readdirSync(dir)
      .filter((f) => f !== 'README.md')
      .sort();
    assert.ok(files.length > 0, `no fixtures in ${dir}`);
    const comparedInFull = new Set<string>();
    for (const file of files) {
      await t.test(`${form} ${file}: wasm decisions equal the recorded reference decisions`, async () => {
        assert.ok(file.endsWith('.json'), `${file}: fixtures are .json files`);
        const f = JSON.parse(readFileSync(dir + file, 'utf8')) as WireFixture;
        assert.ok(f.cases.length > 0, `${file} has cases`);
        // The wasm reads the set as sent; the reference reads the rule form.
        const ruleSet = 'policies' in f.ruleSet ? expandRuleSet(f.ruleSet) : f.ruleSet;
        const body = JSON.stringify(f.ruleSet);
        const observed = await runInWasm({ seed: BigInt(f.seed), identity: f.identity, ruleSet, body }, f.cases);
        assert.equal(observed.length, f.cases.length, `${file}: one observation per case`);
        for (const [i, c] of f.cases.entries()) assert.deepEqual(observed[i], expectedOf(c.expected), `${file} case ${i} "${c.name}"`);
        // The reference, run now, agrees with its own recording (so the fixtures are not stale).
        const rng = new Xorshift64Star(BigInt(f.seed));
        const counted = new CountedFaults();
        f.cases.forEach((c, i) => {
          const d = responseFaulted(
            decideFault(
              ruleSet,
              { method: c.request.method, path: c.request.path, headers: c.request.headers ?? [] },
              f.identity,
              c.nowMs,
              rng,
              counted,
            ),
            c.request.upstreamStatus ?? 200,
          );
          assert.deepEqual(expectedOf(d), expectedOf(c.expected), `${file} case ${i}: reference`);
        });
        comparedInFull.add(file);
      });
    }
    assert.deepEqual([...comparedInFull].sort(), files, 'every fixture file was compared in full');
  });
}

// ---- a large rule set: streamed parse and the rule index ----------------------------------------

test('a rule set far larger than the parse window (long escaped strings across chunk edges) decides like the reference', async () => {
  const updatedAt = '2025-11-21T00:00:00Z';
  const fault = { percentage: 100, abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 };
  const policies: StoredPolicy[] = Array.from(
    { length: 30 },
    (_, p) =>
      ({
        apiVersion: 'v1',
        kind: 'FaultInjectionPolicy',
        metadata: { name: `p${String(p).padStart(2, '0')}`, version: '1', createdAt: updatedAt, updatedAt },
        spec: {
          selector: p % 7 === 3 ? { service: 'backend', namespace: '*' } : { service: '*', namespace: '*' },
          priority: 0,
          rules: [
            { match: { path: { prefix: `/svc${p}/` } }, fault },
            { match: { path: { exact: `/exact/${p}` }, method: { exact: 'POST' } }, fault },
            { match: { path: { regex: `/r${p}/v[0-9]+/.*` } }, fault },
            { match: { path: { prefix: '/' }, headers: [{ name: 'x-tenant', exact: `t${p}` }] }, fault },
            { match: { path: { prefix: `/a${p}` } }, fault },
            { match: { headers: [{ name: 'x-env', prefix: `e${p}` }] }, fault },
          ],
        },
      }) as StoredPolicy,
  );
  const ruleSet = compileRuleSet(policies, { epoch: 'big', version: 1 });
  // Abort bodies of 20-40 KB full of escapes (\", \\, \n, \u0001) so strings outgrow the 16 KiB window
  // and escapes straddle the 8 KiB chunk edges.
  ruleSet.rules.forEach((r, i) => {
    if (r.abort && i % 5 === 0) r.abort = { ...r.abort, body: 'a"b\\c\nd\u0001é'.repeat(2000 + i * 50) };
  });
  const text = JSON.stringify(ruleSet);
  assert.ok(text.length > 500_000, `rule set of ${text.length} bytes`);
  const requests: RequestSpec[] = [];
  for (const p of [0, 3, 7, 17, 29, 30]) {
    requests.push(
      { method: 'GET', path: `/svc${p}/x?y=1` },
      { method: 'POST', path: `/exact/${p}` },
      { method: 'GET', path: `/exact/${p}` },
      { method: 'GET', path: `/r${p}/v12/z` },
      { method: 'GET', path: `/r${p}/vx` },
      { method: 'GET', path: '/none', headers: [['x-tenant', `t${p}`]] },
      { method: 'GET', path: `/a${p}bc` },
      { method: 'GET', path: `/a${p}` },
      { method: 'GET', path: '/q', headers: [['x-env', `e${p}x`]] },
    );
  }
  requests.push(
    { method: 'GET', path: '/nomatch' },
    { method: 'GET', path: '' },
    { method: 'GET', path: '?a=/svc1/' },
    { method: 'GET', path: '/' },
  );
  const nowMs = 1_763_769_601_000;
  const seed = 7n;
  const identity = { service: 'frontend', namespace: 'demo' };
  const rng = new Xorshift64Star(seed);
  const expected = requests.map((request) =>
    expectedOf(decideFault(ruleSet, { ...request, headers: request.headers ?? [] }, identity, nowMs, rng)),
  );
  const observed = await runInWasm(
    { seed, identity, ruleSet },
    requests.map((request) => ({ request, nowMs })),
  );
  assert.deepEqual(observed, expected);
  assert.ok(observed.filter((o) => o.action !== 'pass').length >= 20, 'many requests hit a rule');
  assert.ok(
    observed.some((o) => o.abort?.body?.length !== undefined && o.abort.body.length > 20_000),
    'a long escaped body came through',
  );
});

// ---- generated rule sets through compileRuleSet ---------------------------------------------------

const T0 = Date.parse('2025-11-22T00:00:00Z');
const segment = fc.constantFrom('api', 'v1', 'v2', 'users', 'x', 'health', '42');
const pathArb = fc.array(segment, { minLength: 0, maxLength: 3 }).map((s) => `/${s.join('/')}`);
const regexArb = fc.constantFrom('/api/v[0-9]+(/.*)?', '/(users|health)', '.*42.*', '/x', '[a-z/]*', 'GET|POST');
const stringMatchArb = fc.oneof(
  pathArb.map((v) => ({ exact: v })),
  pathArb.map((v) => ({ prefix: v })),
  regexArb.map((v) => ({ regex: v })),
);
const headerName = fc.constantFrom('x-user', 'x-env', 'x-canary');
const headerValue = fc.constantFrom('tester', 'prod', 'a', '1', '');
const headerMatchArb = fc.oneof(
  fc.tuple(headerName, headerValue).map(([name, exact]) => ({ name, exact })),
  fc.tuple(headerName, headerValue).map(([name, prefix]) => ({ name, prefix })),
  fc.tuple(headerName, fc.constantFrom('t.*', 'p[a-z]+', '[0-9]')).map(([name, regex]) => ({ name, regex })),
  fc.tuple(headerName, fc.boolean()).map(([name, present]) => ({ name, present })),
);
const faultArb = fc
  .record({
    percentage: fc.constantFrom(0, 0.5, 12.3456, 50, 99.9999, 100),
    delayMs: fc.constantFrom(0, 7, 25),
    /** Wire version 2: a jitter around the delay, or a log-normal delay instead of it. */
    distribution: fc.constantFrom('fixed', 'fixed', 'jitter', 'lognormal'),
    abort: fc.option(
      fc.record({
        httpStatus: fc.constantFrom(400, 429, 503),
        grpcStatus: fc.option(fc.constantFrom(0, 14), { nil: undefined }),
        body: fc.option(fc.constantFrom('', 'fault!', 'ünïcode ✓'), { nil: undefined }),
        headers: fc.option(fc.constantFrom({ 'retry-after': '1' }, { 'x-b': '2', 'x-a': '1' }), { nil: undefined }),
      }),
      { nil: undefined, freq: 2 },
    ),
    /** Reset instead of abort (never both). */
    reset: fc.constantFrom(false, false, true),
    start_delay_ms: fc.constantFrom(0, 0, 3),
    duration_seconds: fc.constantFrom(0, 0, 30),
    /** Counted faults: how many of the picked requests are faulted. */
    limit: fc.constantFrom(
      undefined,
      undefined,
      undefined,
      { firstRequests: 1 },
      { firstRequests: 3 },
      { perSecond: 1 },
      { perSecond: 2, firstRequests: 4 },
    ),
    maxActive: fc.constantFrom(undefined, undefined, undefined, 1, 2),
    /** The response phase (never with a reset), and the upstream statuses it applies to. */
    responsePhase: fc.constantFrom(false, false, true),
    responseStatus: fc.constantFrom(undefined, 200, '2xx', '5xx'),
  })
  .filter((f) => f.delayMs > 0 || f.abort !== undefined);

function delayOf(f: { delayMs: number; distribution: string }): object | undefined {
  if (f.delayMs === 0) return undefined;
  if (f.distribution === 'jitter') return { fixed_delay_ms: f.delayMs, jitter_ms: Math.ceil(f.delayMs / 2) };
  if (f.distribution === 'lognormal') return { quantiles_ms: { p50: f.delayMs, p99: f.delayMs * 3 } };
  return { fixed_delay_ms: f.delayMs };
}
const ruleArb = fc.record({
  match: fc.option(
    fc.record({
      path: fc.option(stringMatchArb, { nil: undefined }),
      method: fc.option(
        fc.oneof(
          fc.constantFrom({ exact: 'GET' }, { exact: 'POST' }, { prefix: 'P' }),
          regexArb.map((regex) => ({ regex })),
        ),
        { nil: undefined },
      ),
      headers: fc.option(fc.array(headerMatchArb, { maxLength: 2 }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  fault: faultArb,
});
const policyArb = (i: number) =>
  fc
    .record({
      selector: fc.record({ service: fc.constantFrom('*', 'frontend', 'backend'), namespace: fc.constantFrom('*', 'demo', 'other') }),
      priority: fc.constantFrom(0, 0, 5),
      rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
      updatedOffsetS: fc.constantFrom(-120, -10, 0, 5),
      requestOverrides: fc.constantFrom(undefined, undefined, { maxDelayMs: 10, abortStatuses: [503] }, { abortStatuses: [503, 429] }),
      // Windows of 20 s every minute, 45 s every two minutes (New York: the zone must not matter for these).
      schedule: fc.constantFrom(
        undefined,
        undefined,
        { cron: '* * * * *', activeForMs: 20_000, timezone: 'UTC' },
        { cron: '*/2 * * * *', activeForMs: 45_000, timezone: 'America/New_York' },
      ),
    })
    .map((p): StoredPolicy => {
      const updatedAt = new Date(T0 + p.updatedOffsetS * 1000).toISOString();
      return {
        apiVersion: 'v1',
        kind: 'FaultInjectionPolicy',
        metadata: { name: `p${i}`, version: '1', createdAt: updatedAt, updatedAt },
        spec: {
          selector: p.selector,
          priority: p.priority,
          ...(p.requestOverrides ? { requestOverrides: p.requestOverrides } : {}),
          ...(p.schedule ? { schedule: p.schedule } : {}),
          rules: p.rules.map((r) => {
            const onResponse = r.fault.responsePhase && !(r.fault.reset && r.fault.abort);
            const status = onResponse && r.fault.responseStatus !== undefined ? { responseStatus: r.fault.responseStatus } : {};
            const match = r.match || Object.keys(status).length > 0 ? { match: stripUndefined({ ...r.match, ...status }) } : {};
            return {
              ...match,
              fault: stripUndefined({
                percentage: r.fault.percentage,
                delay: delayOf(r.fault),
                abort: r.fault.abort && !r.fault.reset ? stripUndefined(r.fault.abort) : undefined,
                reset: r.fault.reset && r.fault.abort ? {} : undefined,
                limit: r.fault.limit,
                // maxActive counts held requests: only for a rule that holds them.
                maxActive: r.fault.delayMs > 0 || r.fault.start_delay_ms > 0 ? r.fault.maxActive : undefined,
                phase: onResponse ? 'response' : undefined,
                start_delay_ms: r.fault.start_delay_ms,
                duration_seconds: r.fault.duration_seconds,
              }),
            };
          }),
        },
      } as StoredPolicy;
    });
function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
const requestArb = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT'),
    path: fc.tuple(pathArb, fc.constantFrom('', '?q=1', '?a=/api')).map(([p, q]) => p + q),
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
    upstreamStatus: fc.constantFrom(200, 200, 503, 404),
    /** Request overrides the test client may send (honoured only where the policy has requestOverrides). */
    overrides: fc.constantFrom<[string, string][]>(
      [],
      [],
      [['x-hfi-fault-delay-ms', '3']],
      [['x-hfi-fault-delay-ms', '999']],
      [['x-hfi-fault-abort-status', '503']],
      [['x-hfi-fault-abort-status', '418']],
    ),
  })
  .map(({ overrides, ...r }) => ({ ...r, headers: [...r.headers, ...overrides] }));
const scenarioArb = fc.record({
  policies: fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policyArb(i)))),
  requests: fc.array(fc.tuple(requestArb, fc.constantFrom(0, 0, 1_000, 20_000, 40_000)), { minLength: 1, maxLength: 25 }),
  seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  identity: fc.constantFrom(
    { service: 'frontend', namespace: 'demo' },
    { service: null, namespace: null },
    { service: 'backend', namespace: 'other' },
  ),
});

test('generated rule sets and requests: wasm and reference decide identically', async (t) => {
  const kinds = { pass: 0, delay: 0, abort: 0, reset: 0, drawnDelay: 0, limited: 0, response: 0, overridden: 0, scheduled: 0 };
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (s) => {
      const ruleSet = compileRuleSet(s.policies, { epoch: 'gen', version: 1 });
      let now = T0;
      const cases = s.requests.map(([request, step]) => ({ request, nowMs: (now += step) }));
      const status = (c: (typeof cases)[number]) => c.request.upstreamStatus ?? 200;
      const rng = new Xorshift64Star(s.seed);
      const counted = new CountedFaults();
      const expected = cases.map((c) =>
        expectedOf(responseFaulted(decideFault(ruleSet, c.request, s.identity, c.nowMs, rng, counted), status(c))),
      );
      const observed = await runInWasm({ seed: s.seed, identity: s.identity, ruleSet }, cases);
      assert.deepEqual(observed, expected);
      for (const o of observed) {
        kinds[o.action === 'pass' ? 'pass' : o.reset ? 'reset' : o.abort ? 'abort' : 'delay']++;
        const rule = ruleSet.rules.find((r) => r.id === o.ruleId);
        if (rule?.delayDistribution) kinds.drawnDelay++;
        if (rule?.limit) kinds.limited++;
        if (rule?.phase) kinds.response++;
        if (rule?.overrides) kinds.overridden++;
        if (rule?.windows) kinds.scheduled++;
      }
    }),
    { numRuns: 400, seed: 20251122 },
  );
  t.diagnostic(`decisions compared: ${JSON.stringify(kinds)}`);
  // The generators must exercise every outcome, or the comparison proves little.
  assert.ok(
    kinds.pass > 50 &&
      kinds.delay > 20 &&
      kinds.abort > 20 &&
      kinds.reset > 10 &&
      kinds.drawnDelay > 10 &&
      kinds.limited > 10 &&
      kinds.response > 10 &&
      kinds.overridden > 10 &&
      kinds.scheduled > 10,
    JSON.stringify(kinds),
  );
});
