// End to end: the kill switch through hfi-cli, across two proxies of two services, and on etcd across a
// control-plane restart.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPolicy, request, scrapeMetric, startControlPlane, startEtcd, startHfiProxy, waitFor } from '@hfi/testkit';
import { hfiCli } from './support/cli.js';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const { own, later, upstream } = teardownAfterAll();

const abortEverywhere = policy('abort-all', '*', [
  { match: { path: { prefix: '/a' } }, fault: { percentage: 100, abort: { httpStatus: 503 } } },
]);
const slowFrontend = policy('slow-front', 'frontend', [
  { match: { path: { prefix: '/slow' } }, fault: { percentage: 100, delay: { fixed_delay_ms: 30_000 } } },
]);

/** Several requests, so that each worker VM of the proxy is asked (connections are spread over them). */
async function statuses(url: string, n = 6): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, () => request(url).then((r) => r.status)));
}

async function until(url: string, status: number, what: string): Promise<void> {
  await waitFor(async () => (await statuses(url)).every((s) => s === status), { timeoutMs: 10_000, what });
}

test('halt and resume across two proxies for two services: a scoped halt stops only its scope, and frees delayed requests at once', async () => {
  const up = await upstream();
  const cp = own(await startControlPlane());
  const front = own(await startHfiProxy({ upstream: up.url, controlPlane: cp.url, service: 'frontend' }));
  const back = own(await startHfiProxy({ upstream: up.url, controlPlane: cp.url, service: 'backend' }));
  await applyPolicy(cp.url, abortEverywhere);
  await applyPolicy(cp.url, slowFrontend);
  await until(`${front.url}/a`, 503, 'the abort on frontend');
  await until(`${back.url}/a`, 503, 'the abort on backend');

  const delayed = request(`${front.url}/slow`);
  await waitFor(async () => (await scrapeMetric(`${front.admin}/stats/prometheus`, 'wasmcustom_hfi_faults_delays_total')) === 1, {
    what: 'the request to be delayed',
  });
  const haltedAt = Date.now();
  const halt = await hfiCli(cp.url, ['halt', '--service', 'frontend', '--reason', 'e2e']);
  assert.equal(halt.code, 0, halt.output);
  const released = await delayed;
  assert.equal(released.status, 200, 'the delayed request went on to the upstream');
  assert.equal(released.headers['x-hfi-fault'], undefined);
  assert.ok(Date.now() - haltedAt < 5_000, `released ${Date.now() - haltedAt} ms after the halt, not after 30 s`);
  await until(`${front.url}/a`, 200, 'frontend halted');
  assert.deepEqual(await statuses(`${back.url}/a`), [503, 503, 503, 503, 503, 503], 'backend untouched by a frontend halt');
  assert.equal(await scrapeMetric(`${front.admin}/stats/prometheus`, 'wasmcustom_hfi_halted'), 2, 'both worker VMs halted');
  const list = await hfiCli(cp.url, ['policy', 'list']);
  assert.match(list.output, /^slow-front\s+frontend\.demo\s+1\s+Halted\s/m);

  assert.equal((await hfiCli(cp.url, ['resume'])).code, 0);
  await until(`${front.url}/a`, 503, 'frontend resumed');

  assert.equal((await hfiCli(cp.url, ['halt'])).code, 0, 'no selector: everything');
  await until(`${front.url}/a`, 200, 'frontend halted by the global halt');
  await until(`${back.url}/a`, 200, 'backend halted by the global halt');
  assert.equal(await scrapeMetric(`${cp.url}/v1/metrics`, 'hfi_control_plane_halt_active'), 1);
  assert.equal((await hfiCli(cp.url, ['resume'])).code, 0);
  await until(`${front.url}/a`, 503, 'frontend after resume');
  await until(`${back.url}/a`, 503, 'backend after resume');
});

test('on etcd a halt survives a control-plane restart: it is listed again and data planes stay halted until resumed', async () => {
  const etcd = await startEtcd();
  later(etcd.stop);
  const up = await upstream();
  const env = { STORAGE_BACKEND: 'etcd', ETCD_ENDPOINTS: etcd.endpoint };
  const cp = own(await startControlPlane({ env }));
  const proxy = own(await startHfiProxy({ upstream: up.url, controlPlane: cp.url, service: 'frontend' }));
  await applyPolicy(cp.url, abortEverywhere);
  await until(`${proxy.url}/a`, 503, 'the abort');
  assert.equal((await hfiCli(cp.url, ['halt', '--reason', 'survives restarts'])).code, 0);
  await until(`${proxy.url}/a`, 200, 'halted');

  await cp.kill();
  const restarted = own(await startControlPlane({ env, port: cp.port }));
  const halts = await hfiCli(restarted.url, ['halts']);
  assert.match(halts.output, /^\*\s+survives restarts\s/m);
  const served = (await (await fetch(`${restarted.url}/v1/ruleset?service=frontend&namespace=demo`)).json()) as { rules: unknown[] };
  assert.deepEqual(served.rules, [], 'the restarted control plane sends the halted data plane no rules');
  assert.deepEqual(await statuses(`${proxy.url}/a`), [200, 200, 200, 200, 200, 200]);

  assert.equal((await hfiCli(restarted.url, ['resume'])).code, 0);
  await until(`${proxy.url}/a`, 503, 'resumed through the restarted control plane');
});
