// End to end: two proxies, updates reaching both, expiry and control-plane outages.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  applyPolicy,
  closeAgent,
  type RunningProcess,
  request,
  scrapeMetric,
  startControlPlane,
  startHfiProxy,
  startUpstream,
  waitFor,
} from '@hfi/testkit';
import { policy } from './support/policies.js';

const procs: RunningProcess[] = [];
let upstreamClose: (() => Promise<void>) | null = null;
after(async () => {
  for (const p of procs) await p.stop();
  await upstreamClose?.();
  closeAgent();
});

/** Data-plane polls the control plane holds now (its hfi_control_plane_longpolls_held gauge). */
function heldPolls(controlPlane: string): Promise<number> {
  return scrapeMetric(`${controlPlane}/v1/metrics`, 'hfi_control_plane_longpolls_held');
}

test('two proxies: only the targeted service is affected; an update reaches both within a second', async () => {
  const upstream = await startUpstream();
  upstreamClose = upstream.close;
  const cp = await startControlPlane();
  procs.push(cp);
  const front = await startHfiProxy({ upstream: upstream.url, controlPlane: cp.url, service: 'frontend' });
  const back = await startHfiProxy({ upstream: upstream.url, controlPlane: cp.url, service: 'backend' });
  procs.push(front, back);
  await waitFor(async () => (await request(`${front.url}/x`)).status === 200 && (await request(`${back.url}/x`)).status === 200, {
    timeoutMs: 5000,
    what: 'both proxies to answer',
  });
  // Both proxies' long polls held (2 proxies x 2 worker VMs, each VM polls): what follows measures distribution.
  await waitFor(async () => (await heldPolls(cp.url)) >= 4, {
    timeoutMs: 10000,
    what: "both proxies' long polls held by the control plane",
  });

  await applyPolicy(cp.url, policy('only-backend', 'backend', [{ fault: { percentage: 100, abort: { httpStatus: 503 } } }]));
  await waitFor(async () => (await request(`${back.url}/x`)).status === 503, { timeoutMs: 5000, what: 'backend faulted' });
  for (let i = 0; i < 20; i++) assert.equal((await request(`${front.url}/x`)).status, 200, 'frontend untouched');

  const t0 = Date.now();
  await applyPolicy(
    cp.url,
    policy('everyone', '*', [{ match: { path: { prefix: '/all' } }, fault: { percentage: 100, abort: { httpStatus: 429 } } }], 10),
  );
  await waitFor(async () => (await request(`${front.url}/all`)).status === 429 && (await request(`${back.url}/all`)).status === 429, {
    timeoutMs: 3000,
    what: 'the update on both proxies',
  });
  assert.ok(Date.now() - t0 < 1000, `update took ${Date.now() - t0} ms`);
});

test('control plane down: last rules kept, traffic passes, duration ends faults on time; back up: proxy catches up', async () => {
  const upstream = await startUpstream();
  const cp = await startControlPlane();
  procs.push(cp);
  const proxy = await startHfiProxy({ upstream: upstream.url, controlPlane: cp.url, service: 'frontend' });
  procs.push(proxy);
  await applyPolicy(
    cp.url,
    policy('kept', 'frontend', [{ match: { path: { prefix: '/kept' } }, fault: { percentage: 100, abort: { httpStatus: 418 } } }]),
  );
  // The server stamps the rule's expiry between these two: under load the answer can reach us 0.4 s after it.
  const writeStartedAt = Date.now();
  await applyPolicy(
    cp.url,
    policy('brief', 'frontend', [
      { match: { path: { prefix: '/brief' } }, fault: { percentage: 100, abort: { httpStatus: 503 }, duration_seconds: 3 } },
    ]),
  );
  const appliedAt = Date.now();
  await waitFor(async () => (await request(`${proxy.url}/brief`)).status === 503, { timeoutMs: 3000, what: 'the time-limited rule' });
  await waitFor(async () => (await request(`${proxy.url}/kept`)).status === 418, { timeoutMs: 3000, what: 'the kept rule' });

  await cp.kill();
  for (let i = 0; i < 10; i++) {
    assert.equal((await request(`${proxy.url}/kept`)).status, 418, 'last rules kept');
    assert.equal((await request(`${proxy.url}/pass`)).status, 200, 'traffic passes');
  }
  // The rule expires by itself (absolute expiry in the rule set), control plane or not.
  const ended = await waitFor(async () => (await request(`${proxy.url}/brief`)).status === 200, {
    timeoutMs: 6000,
    what: 'the time-limited rule to end',
  });
  const endedAt = Date.now();
  assert.ok(endedAt - writeStartedAt >= 2900, `ended ${endedAt - writeStartedAt} ms after the write was sent`);
  assert.ok(endedAt - appliedAt <= 3000 + 1500, `ended after ${endedAt - appliedAt} ms (waited ${ended})`);

  const cp2 = await startControlPlane({ port: cp.port });
  procs.push(cp2);
  await applyPolicy(
    cp2.url,
    policy('after-restart', 'frontend', [{ match: { path: { prefix: '/new' } }, fault: { percentage: 100, abort: { httpStatus: 451 } } }]),
  );
  await waitFor(async () => (await request(`${proxy.url}/new`)).status === 451, {
    timeoutMs: 15000,
    what: 'the proxy to catch up with the restarted control plane',
  });
  await upstream.close();
});
