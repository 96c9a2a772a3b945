// End to end: the opt-in lease (dead-man's switch). With fault_lease_sec, a proxy that hears nothing from
// the control plane stops injecting and lets delayed requests go; without it, a proxy keeps its rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPolicy, request, scrapeMetric, startControlPlane, startEtcd, startHfiProxy, waitFor } from '@hfi/testkit';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const { own, later, upstream } = teardownAfterAll();

const LEASE_SEC = 3;

test('lease: the control plane killed, faults stop within the lease and delayed requests are released; back, they resume', async () => {
  // etcd, so that the restarted control plane answers with the same rules: what resumes is the lease, not a new set.
  const etcd = await startEtcd();
  later(etcd.stop);
  const up = await upstream();
  const env = { STORAGE_BACKEND: 'etcd', ETCD_ENDPOINTS: etcd.endpoint };
  const cp = own(await startControlPlane({ env }));
  const leased = own(
    await startHfiProxy({
      upstream: up.url,
      controlPlane: cp.url,
      service: 'frontend',
      args: ['--workers', '1', '--plugin-config', JSON.stringify({ fault_lease_sec: LEASE_SEC, retry_interval_sec: 0.5 })],
    }),
  );
  const unleased = own(await startHfiProxy({ upstream: up.url, controlPlane: cp.url, service: 'frontend', args: ['--workers', '1'] }));
  await applyPolicy(
    cp.url,
    policy('abort', 'frontend', [{ match: { path: { prefix: '/a' } }, fault: { percentage: 100, abort: { httpStatus: 503 } } }]),
  );
  await applyPolicy(
    cp.url,
    policy('slow', 'frontend', [{ match: { path: { prefix: '/slow' } }, fault: { percentage: 100, delay: { fixed_delay_ms: 60_000 } } }]),
  );
  for (const proxy of [leased, unleased]) {
    await waitFor(async () => (await request(`${proxy.url}/a`)).status === 503, { timeoutMs: 10_000, what: 'the abort' });
  }
  const leasedMetric = (name: string) => scrapeMetric(`${leased.admin}/stats/prometheus`, name);
  const delayed = request(`${leased.url}/slow`);
  await waitFor(async () => (await leasedMetric('wasmcustom_hfi_faults_delays_total')) === 1, { what: 'the request to be delayed' });

  await cp.kill();
  const killedAt = Date.now();
  const released = await delayed;
  const releasedAfter = Date.now() - killedAt;
  assert.equal(released.status, 200);
  assert.equal(released.headers['x-hfi-fault'], undefined);
  assert.ok(releasedAfter < (LEASE_SEC + 3) * 1000, `released ${releasedAfter} ms after the control plane died (lease ${LEASE_SEC} s)`);
  assert.equal((await request(`${leased.url}/a`)).status, 200, 'the leased proxy injects nothing');
  assert.equal(await leasedMetric('wasmcustom_hfi_lease_expired'), 1);
  assert.equal(await leasedMetric('wasmcustom_hfi_lease_expiries_total'), 1);
  assert.equal((await request(`${unleased.url}/a`)).status, 503, 'without a lease the last rules are kept');
  assert.match(leased.output(), /no answer from the control plane for 3 s \(fault_lease_sec\): injecting no faults/);

  own(await startControlPlane({ env, port: cp.port }));
  await waitFor(async () => (await request(`${leased.url}/a`)).status === 503, { timeoutMs: 20_000, what: 'faults to resume on contact' });
  assert.equal(await leasedMetric('wasmcustom_hfi_lease_expired'), 0);
  assert.equal(await leasedMetric('wasmcustom_hfi_lease_expiries_total'), 1);
});
