// Two control-plane replicas on one real etcd, and an etcd outage in the middle.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { makeApp, policy, pollBody, testConfig } from './helpers/fixtures.js';

const realClock = { now: () => Date.now() };

describe('control plane on etcd', () => {
  let etcd: EtcdProcess;
  let appA: FastifyInstance;
  let appB: FastifyInstance;
  let a: TestClient;
  let b: TestClient;
  before(async () => {
    etcd = await startEtcd();
    const config = testConfig({ storage: { backend: 'etcd', etcdEndpoints: [etcd.endpoint] } });
    appA = await makeApp({ config, clock: realClock });
    appB = await makeApp({ config, clock: realClock });
    a = httpClient(await listen(appA));
    b = httpClient(await listen(appB));
  });
  after(async () => {
    await appA?.close();
    await appB?.close();
    await etcd?.stop();
  });

  test('both replicas share the epoch (the etcd cluster id) and the version (the etcd revision)', async () => {
    const setA = (await a('GET', '/v1/ruleset')).json();
    const setB = (await b('GET', '/v1/ruleset')).json();
    assert.equal(setA.epoch, setB.epoch);
    assert.match(setA.epoch, /^\d+$/);
  });

  test('a write through A reaches a long-poll held on B', async () => {
    const set = (await b('GET', '/v1/ruleset')).json();
    const held = b('POST', '/v1/dataplane/poll', {
      body: pollBody({ instance: 'b-1', epoch: set.epoch, version: set.version, holdMs: 20_000 }),
    });
    await waitFor(() => isHeld(b, 'b-1'), { what: 'the poll to be held on B' });
    const written = await a('POST', '/v1/policies', { body: policy('via-a') });
    assert.equal(written.status, 201);
    const answer = await held;
    assert.equal(answer.status, 200);
    assert.equal(answer.json().version, Number(written.json().metadata.version));
    assert.ok(answer.json().rules.some((r: any) => r.policy === 'via-a'));
    assert.equal((await b('GET', '/v1/policies/via-a')).json().metadata.version, written.json().metadata.version);
  });

  test('concurrent writes through both replicas with one version: one wins, the other is 409', async () => {
    const v = (await a('GET', '/v1/policies/via-a')).json().metadata.version;
    const [x, y] = await Promise.all([
      a('POST', '/v1/policies', { body: policy('via-a', { version: v, percentage: 11 }) }),
      b('POST', '/v1/policies', { body: policy('via-a', { version: v, percentage: 22 }) }),
    ]);
    assert.deepEqual([x.status, y.status].sort(), [200, 409]);
  });

  test('etcd down: writes 503 quickly, reads and polls keep serving; back up: nothing lost, writes propagate', async () => {
    await a('POST', '/v1/policies', { body: policy('before-outage') });
    const before = (await a('GET', '/v1/policies')).json().items.map((p: any) => p.metadata.name);
    const set = (await b('GET', '/v1/ruleset')).json();

    await etcd.kill();
    const started = Date.now();
    const refused = await a('POST', '/v1/policies', { body: policy('during-outage') });
    assert.equal(refused.status, 503);
    assert.equal(refused.json().code, 'HFI_STORE_UNAVAILABLE');
    assert.ok(Date.now() - started < 6000, `write took ${Date.now() - started} ms`);
    assert.equal((await a('DELETE', '/v1/policies/before-outage')).status, 503);

    assert.deepEqual(
      (await a('GET', '/v1/policies')).json().items.map((p: any) => p.metadata.name),
      before,
    );
    assert.equal((await b('GET', '/v1/policies/before-outage')).status, 200);
    assert.equal((await b('GET', '/v1/ruleset')).json().version, set.version);
    const stale = await b('POST', '/v1/dataplane/poll', { body: pollBody({ instance: 'b-2' }) });
    assert.equal(stale.status, 200);
    assert.equal(stale.json().version, set.version);
    const heldDuring = await b('POST', '/v1/dataplane/poll', {
      body: pollBody({ instance: 'b-2', epoch: set.epoch, version: set.version, holdMs: 300 }),
    });
    assert.equal(heldDuring.status, 304);
    assert.equal((await a('GET', '/ready')).status, 503);

    await etcd.restart();
    await waitFor(async () => (await a('GET', '/ready')).status === 200 && (await b('GET', '/ready')).status === 200, {
      what: 'both replicas to be ready again',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    assert.deepEqual(
      (await b('GET', '/v1/policies')).json().items.map((p: any) => p.metadata.name),
      before,
    );

    const current = (await b('GET', '/v1/ruleset')).json();
    const held = b('POST', '/v1/dataplane/poll', {
      body: pollBody({ instance: 'b-3', epoch: current.epoch, version: current.version, holdMs: 20_000 }),
    });
    await waitFor(() => isHeld(b, 'b-3'), { what: 'the poll to be held on B' });
    let written: Awaited<ReturnType<typeof a>> | undefined;
    // The first write after the restart may meet a connection that is still being re-established.
    await waitFor(async () => (written = await a('POST', '/v1/policies', { body: policy('after-outage') })).status === 201, {
      what: 'a write through A to succeed',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    const answer = await held;
    assert.equal(answer.status, 200);
    assert.ok(answer.json().rules.some((r: any) => r.policy === 'after-outage'));
    assert.equal(answer.json().epoch, set.epoch);
    assert.ok((await b('GET', '/v1/policies')).json().items.some((p: any) => p.metadata.name === 'before-outage'));
    void written;
  });
});

/** True while a poll from `instance` is held by the replica. */
async function isHeld(replica: TestClient, instance: string): Promise<boolean> {
  const planes = (await replica('GET', '/v1/dataplanes')).json().items as { instance: string; connected: boolean }[];
  return planes.some((p) => p.instance === instance && p.connected);
}
