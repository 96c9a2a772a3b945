// Traffic outcomes: the report call (counted once per seq, what cannot be used dropped and counted, never
// touching the rule set), the sliding windows of GET /v1/workloads, the stop-condition interface and the
// per-workload gauges.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LATENCY_BUCKET_BOUNDS_US, LATENCY_BUCKETS, LIMITS, type OutcomeReport } from '@hfi/api';
import type { FastifyInstance } from 'fastify';
import { OutcomeAggregator } from '../src/telemetry/outcome-aggregator.js';
import { WorkloadOutcomes } from '../src/telemetry/workload-outcomes.js';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { ManualClock, makeApp, pollBody } from './helpers/fixtures.js';

/** A report of `ok` 2xx and `failed` local 503s, all in the latency bucket of `latencyUs`. */
function outcomes(
  seq: number,
  o: { ok?: number; upstream5xx?: number; local5xx?: number; faulted?: number; latencyUs?: number },
): OutcomeReport {
  const latency = new Array<number>(LATENCY_BUCKETS).fill(0);
  const bucket = LATENCY_BUCKET_BOUNDS_US.findIndex((bound) => (o.latencyUs ?? 1000) <= bound);
  latency[bucket < 0 ? LATENCY_BUCKETS - 1 : bucket] = (o.ok ?? 0) + (o.upstream5xx ?? 0) + (o.local5xx ?? 0);
  return {
    seq,
    status: [o.ok ?? 0, 0, 0, o.upstream5xx ?? 0, 0],
    local: [0, 0, 0, o.local5xx ?? 0, 0],
    faulted: o.faulted ?? 0,
    latency,
  };
}

const reportBody = (instance: string, service: string, outcomesValue: unknown, namespace = 'demo') => ({
  wireVersion: 2,
  identity: { service, namespace, pod: instance.split('/')[0] },
  instance,
  outcomes: outcomesValue,
});

describe('outcome reports and /v1/workloads', () => {
  let app: FastifyInstance;
  let call: TestClient;
  const clock = new ManualClock();
  before(async () => {
    app = await makeApp({ clock });
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  const report = (instance: string, service: string, value: unknown) =>
    call('POST', '/v1/dataplane/report', { body: reportBody(instance, service, value) });
  const workloads = async (query = '') => (await call('GET', `/v1/workloads${query}`)).json();

  test('reports add up per workload; a resent seq is counted once; figures answer rates, error rate, percentiles', async () => {
    assert.equal((await report('cart-1/vm1', 'cart', outcomes(1, { ok: 90, local5xx: 10, faulted: 10, latencyUs: 3000 }))).status, 204);
    assert.equal((await report('cart-1/vm1', 'cart', outcomes(1, { ok: 90, local5xx: 10, faulted: 10, latencyUs: 3000 }))).status, 204);
    await report('cart-2/vm1', 'cart', outcomes(1, { ok: 99, upstream5xx: 1, latencyUs: 200_000 }));
    await report('frontend-1/vm1', 'frontend', outcomes(1, { ok: 50 }));
    const list = await workloads('?window=10s');
    assert.equal(list.windowMs, 10_000);
    const cart = list.items.find((w: { service: string }) => w.service === 'cart');
    assert.equal(cart.requests, 200);
    assert.equal(cart.errors, 11, '5xx from upstream and from local replies');
    assert.equal(cart.errorRatePercent, 5.5);
    assert.equal(cart.faulted, 10);
    assert.equal(cart.faultedPercent, 5);
    assert.equal(cart.requestsPerSecond, 20);
    assert.equal(cart.dataPlanes, 2);
    assert.equal(cart.p50Ms, 4, 'the upper bound of the 3 ms bucket (2.828, 4]');
    assert.equal(cart.p99Ms, 256, 'the upper bound of the 200 ms bucket (181, 256]');
    assert.deepEqual(cart.local, { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 10, other: 0 });
    assert.deepEqual(
      list.items.map((w: { namespace: string; service: string }) => `${w.namespace}/${w.service}`),
      ['demo/cart', 'demo/frontend'],
    );
    assert.deepEqual(
      (await workloads('?service=frontend')).items.map((w: { service: string }) => w.service),
      ['frontend'],
    );
    assert.deepEqual((await workloads('?namespace=elsewhere')).items, []);
  });

  test('a window slides: seconds older than it no longer count', async () => {
    clock.advance(20_000);
    await report('frontend-1/vm1', 'frontend', outcomes(2, { ok: 7 }));
    const recent = (await workloads('?window=10s')).items.find((w: { service: string }) => w.service === 'frontend');
    assert.equal(recent.requests, 7);
    const longer = (await workloads('?window=1m')).items.find((w: { service: string }) => w.service === 'frontend');
    assert.equal(longer.requests, 57);
    assert.equal(longer.requestsPerSecond, Math.round((57 / 60) * 100) / 100);
  });

  test('a malformed report is dropped and counted; polls are still served and the rule set is untouched', async () => {
    const before = (await call('POST', '/v1/dataplane/poll', { body: pollBody({ holdMs: 0 }) })).json();
    for (const bad of [{ seq: 0 }, 'text', { seq: 1, status: [1, 2], local: [], faulted: 0, latency: [] }]) {
      assert.equal((await report('odd-1/vm1', 'odd', bad)).status, 204);
    }
    const metrics = (await call('GET', '/v1/metrics')).text;
    assert.match(metrics, /hfi_control_plane_outcome_reports_dropped_total\{reason="malformed"\} 3/);
    const poll = await call('POST', '/v1/dataplane/poll', { body: pollBody({ holdMs: 0 }) });
    assert.equal(poll.status, 200);
    assert.deepEqual(poll.json(), before, 'the same rule set');
    const odd = (await workloads()).items.find((w: { service: string }) => w.service === 'odd');
    assert.equal(odd?.requests ?? 0, 0, 'nothing counted from the dropped reports');
    assert.equal(
      (await call('POST', '/v1/dataplane/report', { body: { instance: 'x' } })).status,
      400,
      'a body without its fields is refused',
    );
  });

  test('a report body is read as plain JSON: a key given twice is taken (the last wins), nesting beyond the limit is 400', async () => {
    const text = JSON.stringify(reportBody('twice-1/vm1', 'twice', outcomes(1, { ok: 4 })));
    const twice = await call('POST', '/v1/dataplane/report', {
      body: `{"instance": "ignored", ${text.slice(1)}`,
      contentType: 'application/json',
    });
    assert.equal(twice.status, 204);
    const listed = (await workloads()).items.find((w: { service: string }) => w.service === 'twice');
    assert.equal(listed?.requests, 4, 'the later "instance" was read and the report counted');
    const depth = LIMITS.nestingDepth + 1;
    const deep = `${text.slice(0, -1)}, "extra": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const refused = await call('POST', '/v1/dataplane/report', { body: deep, contentType: 'application/json' });
    assert.equal(refused.status, 400);
    assert.equal(refused.json().code, 'HFI_MALFORMED_BODY');
  });

  test('per-workload gauges on /v1/metrics', async () => {
    const metrics = (await call('GET', '/v1/metrics')).text;
    assert.match(metrics, /hfi_workload_requests_per_second\{service="frontend",namespace="demo"\} [\d.]+/);
    assert.match(metrics, /hfi_workload_error_rate_percent\{service="cart",namespace="demo"\} /);
    assert.match(metrics, /hfi_workload_latency_p99_seconds\{service="frontend",namespace="demo"\} 0\.001/);
    assert.match(metrics, /hfi_workload_dataplanes\{service="cart",namespace="demo"\} 2/);
  });

  test('?window= outside 1s..10m, not a duration or not whole seconds: 400 naming window', async () => {
    for (const window of ['0s', '11m', 'soon', '1500ms', '-5s']) {
      const r = await call('GET', `/v1/workloads?window=${window}`);
      assert.equal(r.status, 400, window);
      assert.equal(r.json().details[0].path, 'window', window);
      assert.match(r.json().message, /^window: /);
    }
  });
});

describe('workloadFigures (the stop-condition interface)', () => {
  const clock = new ManualClock();
  const local = new WorkloadOutcomes(clock, 100);
  const figures = new OutcomeAggregator(clock, local);
  local.record('cart-1/vm1', { service: 'cart', namespace: 'demo' }, outcomes(1, { ok: 95, local5xx: 5, faulted: 5 }));
  local.record('web-1/vm1', { service: 'web', namespace: 'demo' }, outcomes(1, { ok: 80, upstream5xx: 20, latencyUs: 900_000 }));
  local.record('web-2/vm1', { service: 'web', namespace: 'prod' }, outcomes(1, { ok: 100 }));

  test('merges every workload the selector matches; an absent field matches any', () => {
    const web = figures.workloadFigures({ service: 'web' }, 30_000);
    assert.deepEqual(web, { requests: 200, errors: 20, errorRatePercent: 10, p50Ms: 1, p99Ms: 1024, faulted: 0, dataPlanes: 2 });
    assert.equal(figures.workloadFigures({}, 30_000)?.requests, 300);
    assert.equal(figures.workloadFigures({ namespace: 'demo' }, 30_000)?.errors, 25);
  });

  test('instances are bounded: beyond the limit the one first heard from longest ago is forgotten', () => {
    const bounded = new WorkloadOutcomes(clock, 2);
    for (const instance of ['a/vm', 'b/vm', 'c/vm']) bounded.seen(instance, { service: 'svc', namespace: 'demo' });
    assert.deepEqual([...(bounded.liveInstances().get('demo/svc') ?? [])], ['b/vm', 'c/vm']);
  });

  test('undefined when nothing matched; null percentiles when the window holds no request', () => {
    assert.equal(figures.workloadFigures({ service: 'nobody' }, 30_000), undefined);
    clock.advance(60_000);
    const idle = figures.workloadFigures({ service: 'cart', namespace: 'demo' }, 10_000);
    assert.deepEqual(idle, { requests: 0, errors: 0, errorRatePercent: 0, p50Ms: null, p99Ms: null, faulted: 0, dataPlanes: 1 });
  });
});
