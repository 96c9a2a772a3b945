// End to end: traffic outcomes. Two hfi-proxy sidecars, frontend -> cart, the real plugin in both, reporting
// to the real control plane; a fault on cart shows in cart's figures and, through the calls, in frontend's.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { WorkloadList } from '@hfi/api';
import { applyPolicy, type RunningControlPlane, type RunningHfiProxy, request, scrapeMetric, waitFor } from '@hfi/testkit';
import { startFrontendCart } from './support/frontend-cart.js';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const teardown = teardownAfterAll();
let cp: RunningControlPlane;
let cartProxy: RunningHfiProxy;
let frontendProxy: RunningHfiProxy;

before(async () => {
  ({ cp, cartProxy, frontendProxy } = await startFrontendCart(teardown));
});

const DELAY_MS = 300;

async function workloads(query = ''): Promise<WorkloadList> {
  const r = await request(`${cp.url}/v1/workloads${query}`);
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body) as WorkloadList;
}

function figuresOf(list: WorkloadList, service: string) {
  const w = list.items.find((item) => item.service === service && item.namespace === 'demo');
  assert.ok(w, `${service} in ${JSON.stringify(list.items)}`);
  return w;
}

test('a fault on cart shows in cart and frontend figures, counted exactly, latency within the bucket resolution', async () => {
  await applyPolicy(
    cp.url,
    policy('outcomes-cart', 'cart', [
      { match: { path: { prefix: '/fail' } }, fault: { percentage: 100, abort: { httpStatus: 503 } } },
      { match: { path: { prefix: '/slow' } }, fault: { percentage: 100, delay: { fixed_delay_ms: DELAY_MS } } },
    ]),
  );
  let probesSent = 0;
  await waitFor(
    async () => {
      probesSent++;
      return (await request(`${cartProxy.url}/fail/probe`)).status === 503;
    },
    { timeoutMs: 10_000, what: 'the abort rule on cart' },
  );
  // The probes above reached cart only; wait until every one is reported (cart's two VMs report apart, each on
  // its own interval), so the counts below start from them.
  await waitFor(async () => ((await workloads()).items.find((item) => item.service === 'cart')?.requests ?? 0) >= probesSent, {
    timeoutMs: 10_000,
    what: 'the probes reported',
  });
  const base = figuresOf(await workloads(), 'cart');
  assert.equal(base.requests, probesSent, 'cart saw no traffic but the probes');

  const sent = { ok: 40, fail: 20, slow: 10 };
  for (let i = 0; i < sent.ok; i++) assert.equal((await request(`${frontendProxy.url}/ok/${i}`)).status, 200);
  for (let i = 0; i < sent.fail; i++) assert.equal((await request(`${frontendProxy.url}/fail/${i}`)).status, 503);
  const slow = await Promise.all(Array.from({ length: sent.slow }, (_, i) => request(`${frontendProxy.url}/slow/${i}`)));
  const lastSentAt = Date.now();
  const total = sent.ok + sent.fail + sent.slow;

  let last: WorkloadList | undefined;
  await waitFor(
    async () => {
      const list = await workloads();
      last = list;
      const f = list.items.find((w) => w.service === 'frontend');
      const c = list.items.find((w) => w.service === 'cart');
      return f?.requests === total && c?.requests === base.requests + total;
    },
    { timeoutMs: 15_000, what: 'both workloads reported' },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; last: ${JSON.stringify(last?.items)}`);
  });
  assert.ok(Date.now() - lastSentAt < 8_000, 'reported within the report interval and a margin');
  const list = await workloads('?window=5m');
  const c = figuresOf(list, 'cart');
  const f = figuresOf(list, 'frontend');
  assert.equal(c.requests - base.requests, total);
  assert.equal(c.errors - base.errors, sent.fail, 'cart: the aborts are its errors');
  assert.equal(c.local['5xx']! - base.local['5xx']!, sent.fail, 'cart: the aborts are local replies');
  assert.equal(c.faulted - base.faulted, sent.fail + sent.slow);
  assert.equal(c.status['2xx']! - base.status['2xx']!, sent.ok + sent.slow);
  assert.equal(f.requests, total);
  assert.equal(f.errors, sent.fail, "frontend: cart's aborts reach it as its callee's 503");
  assert.equal(f.local['5xx'], 0, 'frontend replied nothing itself');
  assert.equal(f.status['5xx'], sent.fail);
  assert.equal(f.faulted, 0, 'no fault on frontend');
  // hfi-proxy runs two worker VMs by default: each is a data plane.
  assert.equal(f.dataPlanes, 2);
  assert.equal(c.dataPlanes, 2);
  assert.equal(f.errorRatePercent, Math.round((10_000 * sent.fail) / total) / 100);
  // p99 falls among the delayed requests: the upper bound of their bucket, at most √2 above what the client saw.
  const slowest = Math.max(...slow.map((r) => r.ms));
  assert.ok(f.p99Ms !== null && f.p99Ms >= DELAY_MS && f.p99Ms <= slowest * Math.SQRT2 + 1, `frontend p99 ${f.p99Ms} (slowest ${slowest})`);
  assert.ok(c.p99Ms !== null && c.p99Ms >= DELAY_MS && c.p99Ms <= slowest * Math.SQRT2 + 1, `cart p99 ${c.p99Ms}`);
  assert.ok(f.p50Ms !== null && f.p50Ms < DELAY_MS, `frontend p50 ${f.p50Ms}`);

  const filtered = await workloads('?service=frontend&namespace=demo');
  assert.deepEqual(
    filtered.items.map((w) => w.service),
    ['frontend'],
  );
  const gauge = await scrapeMetric(`${cp.url}/v1/metrics`, 'hfi_workload_requests_per_second{service="frontend",namespace="demo"}');
  assert.ok(gauge > 0, `hfi_workload_requests_per_second ${gauge}`);
});

test('a bad window is refused with 400 naming window', async () => {
  for (const window of ['0s', '11m', 'soon', '1500ms']) {
    const r = await request(`${cp.url}/v1/workloads?window=${window}`);
    assert.equal(r.status, 400, window);
    const body = JSON.parse(r.body) as { code: string; details: { path: string }[] };
    assert.equal(body.code, 'HFI_INVALID_REQUEST');
    assert.equal(body.details[0]?.path, 'window');
  }
});
