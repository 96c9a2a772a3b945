// End to end: a stop condition halts its policy by itself. Two hfi-proxy sidecars with the real plugin,
// frontend -> cart, reporting traffic outcomes to the real control plane; an abort on cart drives frontend's
// error rate over the policy's stop condition, the policy turns Halted by itself, and its faults stop on every
// cart VM; resumed, they start again.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { applyPolicy, type RunningControlPlane, type RunningHfiProxy, request, waitFor } from '@hfi/testkit';
import { startFrontendCart } from './support/frontend-cart.js';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const teardown = teardownAfterAll();
let cp: RunningControlPlane;
let cartProxy: RunningHfiProxy;
let frontendProxy: RunningHfiProxy;

before(async () => {
  ({ cp, cartProxy, frontendProxy } = await startFrontendCart(teardown, {
    controlPlane: { env: { LOG_LEVEL: 'warn' } },
    // Two worker VMs: the faults must stop in both.
    cartProxyArgs: ['--workers', '2'],
  }));
});

interface Status {
  phase: string;
  appliedDataPlanes: number;
  faults: { aborts: number };
  haltReason?: { source: string; conditionIndex: number; observed: { requests: number; errorRatePercent: number; dataPlanes: number } };
}

async function statusOf(name: string): Promise<Status> {
  return (JSON.parse((await request(`${cp.url}/v1/policies/${name}`)).body) as { status: Status }).status;
}

/** Every cart VM holds a rule set at least `version`. */
async function cartVmsAt(version: number): Promise<boolean> {
  const { items } = JSON.parse((await request(`${cp.url}/v1/dataplanes`)).body) as {
    items: { identity: { service: string | null }; version: number }[];
  };
  const vms = items.filter((plane) => plane.identity.service === 'cart');
  return vms.length === 2 && vms.every((vm) => vm.version >= version);
}

/** Calls through frontend's sidecar every few ms until stopped; bounded in count and time. */
function load() {
  const statuses: number[] = [];
  let running = true;
  const done = (async () => {
    const started = Date.now();
    while (running && statuses.length < 5_000 && Date.now() - started < 60_000) {
      statuses.push((await request(`${frontendProxy.url}/checkout/${statuses.length}`)).status);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    statuses,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

test("an abort on cart drives frontend's error rate over the stop condition: the policy halts by itself and its faults stop on every cart VM", async () => {
  await applyPolicy(cp.url, {
    ...policy('cart-abort', 'cart', [{ match: { path: { prefix: '/checkout' } }, fault: { percentage: 50, abort: { httpStatus: 503 } } }]),
    spec: {
      ...policy('cart-abort', 'cart', []).spec,
      rules: [{ match: { path: { prefix: '/checkout' } }, fault: { percentage: 50, abort: { httpStatus: 503 } } }],
      stopWhen: [{ selector: { service: 'frontend', namespace: 'demo' }, errorRateAbove: 20, window: '10s', minRequests: 20 }],
    },
  });
  await waitFor(async () => (await statusOf('cart-abort')).appliedDataPlanes === 1, { what: 'the policy on the cart sidecar' });
  const traffic = load();
  try {
    await waitFor(async () => (await statusOf('cart-abort')).phase === 'Halted', {
      what: 'the policy halted by itself',
      timeoutMs: 30_000,
    });
    const status = await statusOf('cart-abort');
    assert.equal(status.haltReason?.source, 'stopWhen');
    assert.ok(status.haltReason!.observed.errorRatePercent > 20, `frontend's error rate ${status.haltReason!.observed.errorRatePercent}%`);
    assert.ok(status.haltReason!.observed.requests >= 20);
    assert.ok(traffic.statuses.includes(503), 'the fault was felt through frontend first');
    const { version } = JSON.parse((await request(`${cp.url}/v1/ruleset`)).body) as { version: number };
    await waitFor(() => cartVmsAt(version), { what: 'both cart VMs holding the set without the policy' });
    const seenAt = traffic.statuses.length;
    await waitFor(async () => traffic.statuses.length >= seenAt + 40, { what: '40 more calls through frontend' });
    assert.deepEqual(
      traffic.statuses.slice(seenAt).filter((s) => s !== 200),
      [],
      'no fault after every VM holds the set',
    );
  } finally {
    await traffic.stop();
  }
  const direct = await Promise.all(Array.from({ length: 10 }, (_, i) => request(`${cartProxy.url}/checkout/direct-${i}`)));
  assert.ok(
    direct.every((r) => r.status === 200 && r.headers['x-hfi-fault'] === undefined),
    'cart itself passes everything',
  );
  const trips = JSON.parse((await request(`${cp.url}/v1/audit?policy=cart-abort&kind=trip`)).body).items;
  assert.equal(trips.length, 1);
  assert.equal(trips[0].actor, 'system');
});

test('resumed once its window no longer holds the condition, the stopped policy injects again', async () => {
  // With no traffic, frontend's 10 s window empties: resumed before, the policy would be stopped again at once.
  await waitFor(
    async () => {
      const { items } = JSON.parse((await request(`${cp.url}/v1/workloads?window=10s`)).body) as {
        items: { service: string; requests: number }[];
      };
      return (items.find((w) => w.service === 'frontend')?.requests ?? 0) < 20;
    },
    { what: "frontend's window below minRequests", timeoutMs: 20_000 },
  );
  const resumed = await fetch(`${cp.url}/v1/policies/cart-abort/resume`, { method: 'POST' });
  assert.equal(resumed.status, 200);
  await waitFor(async () => (await request(`${cartProxy.url}/checkout/again`)).status === 503, { what: 'the abort back on cart' });
});
