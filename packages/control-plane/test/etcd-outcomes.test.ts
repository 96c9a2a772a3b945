// Traffic outcomes across replicas on a real etcd: each replica keeps the reports it received, shares its
// recent seconds and live data planes as its summary, and GET /v1/workloads answers the same on either.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LATENCY_BUCKETS } from '@hfi/api';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import { EtcdPolicyStore } from '../src/store/etcd.js';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { makeApp, storeDefaults, testConfig } from './helpers/fixtures.js';

const realClock = { now: () => Date.now() };
const ROOT = '/hfi-outcomes/';

const report = (call: TestClient, instance: string, seq: number, ok: number, failed: number) => {
  const latency = new Array<number>(LATENCY_BUCKETS).fill(0);
  latency[4] = ok + failed;
  return call('POST', '/v1/dataplane/report', {
    body: {
      wireVersion: 2,
      identity: { service: 'cart', namespace: 'demo', pod: instance.split('/')[0] },
      instance,
      outcomes: { seq, status: [ok, 0, 0, 0, 0], local: [0, 0, 0, failed, 0], faulted: failed, latency },
    },
  });
};

describe('workload outcomes with two replicas on etcd', () => {
  let etcd: EtcdProcess;
  const apps: FastifyInstance[] = [];
  let a: TestClient;
  let b: TestClient;
  before(async () => {
    etcd = await startEtcd();
    for (let i = 0; i < 2; i++) {
      const store = new EtcdPolicyStore({ endpoints: [etcd.endpoint], maxPolicies: 100, clock: realClock, root: ROOT, ...storeDefaults });
      const app = await makeApp({ config: testConfig(), clock: realClock, store });
      apps.push(app);
    }
    a = httpClient(await listen(apps[0]!));
    b = httpClient(await listen(apps[1]!));
  });
  after(async () => {
    for (const app of apps) await app.close();
    await etcd?.stop();
  });

  const cart = async (call: TestClient) =>
    (await call('GET', '/v1/workloads?window=1m&service=cart')).json().items[0] as
      | { requests: number; errors: number; dataPlanes: number }
      | undefined;

  test('reports to either replica add up, and both answer the same figures', async () => {
    assert.equal((await report(a, 'cart-1/vm1', 1, 30, 10)).status, 204);
    assert.equal((await report(b, 'cart-2/vm1', 1, 55, 5)).status, 204);
    await report(b, 'cart-2/vm1', 1, 55, 5); // a resend: counted once
    let seen = '';
    await waitFor(
      async () => {
        const figures = [await cart(a), await cart(b)].map(
          (w) => w && { requests: w.requests, errors: w.errors, dataPlanes: w.dataPlanes },
        );
        seen = JSON.stringify(figures);
        return (
          seen ===
          JSON.stringify([
            { requests: 100, errors: 15, dataPlanes: 2 },
            { requests: 100, errors: 15, dataPlanes: 2 },
          ])
        );
      },
      { what: () => `the same figures on both replicas; A, B: ${seen}`, timeoutMs: 15_000 },
    );
    assert.deepEqual((await a('GET', '/v1/workloads?window=1m')).json().items, (await b('GET', '/v1/workloads?window=1m')).json().items);
  });

  test('a stopped replica counts no data planes any more; its seconds still count', async () => {
    await apps[1]!.close();
    await waitFor(async () => (await cart(a))?.dataPlanes === 1, { what: "B's data plane gone from A's count", timeoutMs: 20_000 });
    assert.equal((await cart(a))?.requests, 100);
  });
});
