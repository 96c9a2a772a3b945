// Traffic outcomes (docs/outcomes.md) on the real .wasm in our host: every request counted once in its status
// class (local replies apart) and latency bucket, faulted ones flagged; reports on their own call, at most
// every 2 s while there is something to report, beside a held poll, resent as they were until acknowledged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileChecker, LATENCY_BUCKET_BOUNDS_US, LATENCY_BUCKETS, OUTCOME_REPORT_INTERVAL_MS, OutcomeReport } from '@hfi/api';
import type { HttpCallRequest, HttpCallResult, TestHost } from '@hfi/proxy-host';
import { advanceTo, CLUSTER, send, startPlugin } from './harness.js';
import { abort503, rule, ruleSet, T0 } from './rules.js';

const decoder = new TextDecoder();
const REPORT_PATH = '/v1/dataplane/report';
const reportShape = compileChecker(OutcomeReport);

/** Holds every poll after the first (which gets `set`); answers reports with `reportStatuses` in turn, then 204. */
class ControlPlane {
  readonly reports: { atMs: number; body: any }[] = [];
  host: TestHost | undefined;
  private served = false;
  constructor(
    private readonly set: string,
    private readonly reportStatuses: number[] = [],
  ) {}
  readonly handler = (request: HttpCallRequest): HttpCallResult => {
    if (request.path === REPORT_PATH) {
      this.reports.push({ atMs: this.host?.now() ?? T0, body: JSON.parse(decoder.decode(request.body)) });
      return { status: this.reportStatuses.shift() ?? 204 };
    }
    if (this.served) return { hold: true };
    this.served = true;
    return { status: 200, body: this.set };
  };
}

async function start(cp: ControlPlane, config: Record<string, unknown> = {}): Promise<TestHost> {
  const host = await startPlugin({
    startTimeMs: T0,
    controlPlane: cp.handler,
    pluginConfig: JSON.stringify({ control_plane_cluster: CLUSTER, ...config }),
    identity: { service: 'cart', namespace: 'demo', pod: 'cart-1' },
  });
  cp.host = host;
  return host;
}

const rules = JSON.stringify(
  ruleSet([
    rule('a/0', { path: { kind: 'exact', value: '/a' }, abort: abort503 }),
    rule('s/0', { path: { kind: 'exact', value: '/slow' }, delayMs: 100 }),
  ]),
);

const bucketOf = (ms: number) => LATENCY_BUCKET_BOUNDS_US.findIndex((bound) => ms * 1000 <= bound);

test('every request is counted once: status class, local replies apart, latency bucket, faulted', async () => {
  const cp = new ControlPlane(rules);
  const host = await start(cp);
  try {
    for (const status of [200, 200, 200, 404, 500, 302, 101])
      send(host, { method: 'GET', path: '/ok', upstreamStatus: status }).stream.complete();
    for (let i = 0; i < 2; i++) {
      const aborted = send(host, { method: 'GET', path: '/a' });
      assert.equal(aborted.observe().abort?.status, 503);
      aborted.stream.complete();
    }
    const slow = send(host, { method: 'GET', path: '/slow' });
    await advanceTo(host, host.now() + 150, [slow]);
    assert.equal(slow.observe().ruleId, 's/0');
    const reset = send(host, { method: 'GET', path: '/gone' });
    reset.stream.reset();
    await advanceTo(host, host.now() + 2 * OUTCOME_REPORT_INTERVAL_MS + 100, []);

    // The first report went at once (with the first requests), the rest 2 s later.
    assert.equal(cp.reports.length, 2);
    const body = cp.reports[0]!.body;
    assert.deepEqual(body.identity, { service: 'cart', namespace: 'demo', pod: 'cart-1' });
    assert.match(body.instance, /^cart-1\//);
    for (const r of cp.reports) assert.ok(reportShape.check(r.body.outcomes), JSON.stringify(reportShape.errors(r.body.outcomes)));
    assert.deepEqual(
      cp.reports.map((r) => r.body.outcomes.seq),
      [1, 2],
    );
    const sum = (field: string) =>
      cp.reports
        .map((r) => r.body.outcomes[field])
        .reduce((a, b) => (Array.isArray(a) ? a.map((n: number, i: number) => n + b[i]) : a + b));
    const outcomes = { status: sum('status'), local: sum('local'), faulted: sum('faulted'), latency: sum('latency') };
    assert.deepEqual(outcomes.status, [4, 1, 1, 1, 2], '2xx (with the delayed one), 3xx, 4xx, 5xx, other (101 and the reset)');
    assert.deepEqual(outcomes.local, [0, 0, 0, 2, 0], 'the two aborts');
    assert.equal(outcomes.faulted, 3, 'two aborts and a delay');
    const expected = new Array<number>(LATENCY_BUCKETS).fill(0);
    expected[0] = 10; // the simulated clock stood still for them
    expected[bucketOf(150)] = 1;
    assert.deepEqual(outcomes.latency, expected, 'the delayed request in the bucket of its 100-150 ms');
  } finally {
    host.close();
  }
});

test('a response replaced by an abort counts once, as the local reply it became, not as the upstream status', async () => {
  const replaced = JSON.stringify(
    ruleSet([
      rule('p/0', { path: { kind: 'exact', value: '/p' }, abort: abort503, phase: 'response', responseStatus: { min: 200, max: 299 } }),
    ]),
  );
  const cp = new ControlPlane(replaced);
  const host = await start(cp);
  try {
    const request = send(host, { method: 'GET', path: '/p', upstreamStatus: 200 });
    assert.equal(request.observe().abort?.status, 503);
    request.stream.complete();
    await advanceTo(host, host.now() + 100, []);
    const outcomes = cp.reports[0]!.body.outcomes;
    assert.deepEqual(outcomes.status, [0, 0, 0, 0, 0], 'the upstream 200 never reached the client');
    assert.deepEqual(outcomes.local, [0, 0, 0, 1, 0], 'the injected 503');
    assert.equal(outcomes.faulted, 1);
  } finally {
    host.close();
  }
});

test('reports go at most every 2 s, only while there is something new; a 5xx answer means the same report again', async () => {
  const cp = new ControlPlane(rules, [503]);
  const host = await start(cp);
  try {
    send(host, { method: 'GET', path: '/ok', upstreamStatus: 200 }).stream.complete();
    await advanceTo(host, host.now() + 100, []);
    assert.equal(cp.reports.length, 1, 'the first report goes at once');
    send(host, { method: 'GET', path: '/ok', upstreamStatus: 200 }).stream.complete();
    await advanceTo(host, host.now() + 1000, []);
    assert.equal(cp.reports.length, 1, 'not again within 2 s');
    await advanceTo(host, host.now() + 1500, []);
    assert.equal(cp.reports.length, 2);
    assert.deepEqual(cp.reports[1]!.body.outcomes, cp.reports[0]!.body.outcomes, 'the unacknowledged report, as it was');
    assert.ok(cp.reports[1]!.atMs - cp.reports[0]!.atMs >= OUTCOME_REPORT_INTERVAL_MS);
    await advanceTo(host, host.now() + 2500, []);
    assert.equal(cp.reports.length, 3);
    assert.equal(cp.reports[2]!.body.outcomes.seq, 2);
    assert.equal(cp.reports[2]!.body.outcomes.status[0], 1, 'the request counted since');
    await advanceTo(host, host.now() + 10_000, []);
    assert.equal(cp.reports.length, 3, 'nothing new, no report');
  } finally {
    host.close();
  }
});

test('report_outcomes: false observes nothing and sends no report', async () => {
  const cp = new ControlPlane(rules);
  const host = await start(cp, { report_outcomes: false });
  try {
    send(host, { method: 'GET', path: '/ok', upstreamStatus: 200 }).stream.complete();
    assert.equal(send(host, { method: 'GET', path: '/a' }).observe().abort?.status, 503, 'faults still apply');
    await advanceTo(host, host.now() + 5000, []);
    assert.equal(cp.reports.length, 0);
  } finally {
    host.close();
  }
});
