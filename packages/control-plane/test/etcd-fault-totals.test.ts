// Fault totals across replicas on a real etcd: each replica counts the data planes polling it, and
// status.faults (and status.ruleFaults) is the same whichever replica answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import { Etcd3 } from 'etcd3';
import type { TestClient } from './helpers/client.js';
import { policy, pollBody } from './helpers/fixtures.js';
import { etcdReplicas } from './helpers/replicas.js';

const ROOT = '/hfi-fault-totals/';

describe('fault totals with two replicas on etcd', () => {
  let etcd: EtcdProcess;
  let a: TestClient;
  let b: TestClient;
  /** A replica started after B stopped. */
  let c: TestClient;
  const replicas = etcdReplicas(() => etcd.endpoint, ROOT);
  const replica = () => replicas.start({});
  before(async () => {
    etcd = await startEtcd();
    a = await replica();
    b = await replica();
    assert.equal((await a('POST', '/v1/policies', { body: policy('shared') })).status, 201);
    assert.equal((await a('POST', '/v1/policies', { body: policy('elsewhere', { service: 'cart' }) })).status, 201);
    await waitFor(async () => (await b('GET', '/v1/policies/elsewhere')).status === 200, { what: 'B to hold the policies' });
  });
  after(async () => {
    await replicas.close();
    await etcd?.stop();
  });

  const report = (call: TestClient, instance: string, seq: number, rules: Record<string, { aborts: number; delays: number }>) => {
    const totals = Object.values(rules).reduce((t, r) => ({ aborts: t.aborts + r.aborts, delays: t.delays + r.delays }), {
      aborts: 0,
      delays: 0,
    });
    return call('POST', '/v1/dataplane/poll', { body: pollBody({ instance, counters: { seq, ...totals, rules } }) });
  };
  const faults = async (call: TestClient, name: string) => (await call('GET', `/v1/policies/${name}`)).json().status.faults;
  const ruleFaults = async (call: TestClient, name: string) => (await call('GET', `/v1/policies/${name}`)).json().status.ruleFaults;
  const statuses = async (call: TestClient) =>
    Object.fromEntries(
      (await call('GET', '/v1/policies/status')).json().items.map((i: { name: string; faults: unknown }) => [i.name, i.faults]),
    );

  test('counters reported to each replica add up, and both replicas answer the same totals', async () => {
    assert.equal((await report(a, 'pod-a/vm1', 1, { 'shared/0': { aborts: 3, delays: 0 } })).status, 200);
    assert.equal(
      (await report(b, 'pod-b/vm1', 1, { 'shared/0': { aborts: 4, delays: 2 }, 'elsewhere/0': { aborts: 1, delays: 0 } })).status,
      200,
    );
    await report(b, 'pod-b/vm1', 1, { 'shared/0': { aborts: 4, delays: 2 } }); // a resend: counted once
    const expected = { elsewhere: { aborts: 1, delays: 0 }, shared: { aborts: 7, delays: 2 } };
    let seen = '';
    await waitFor(
      async () => {
        seen = JSON.stringify([await statuses(a), await statuses(b)]);
        return seen === JSON.stringify([expected, expected]);
      },
      { what: () => `the same totals on both replicas; A, B: ${seen}`, timeoutMs: 15_000 },
    );
    assert.deepEqual(await faults(a, 'shared'), expected.shared);
    assert.deepEqual(await faults(b, 'shared'), expected.shared);
    assert.deepEqual(await ruleFaults(a, 'shared'), [expected.shared], 'the per-rule totals add up too');
    assert.deepEqual(await ruleFaults(b, 'shared'), [expected.shared]);
    assert.deepEqual(
      (await a('GET', '/v1/policies')).json().items.map((p: { status: { faults: unknown } }) => p.status.faults),
      [expected.elsewhere, expected.shared],
    );
  });

  test("a dry run's would-inject counts reported to each replica add up, the same on both (status.wouldInject, ruleWouldInject)", async () => {
    const dry = policy('dry');
    (dry.spec as { dryRun?: boolean }).dryRun = true;
    assert.equal((await a('POST', '/v1/policies', { body: dry })).status, 201);
    await waitFor(async () => (await b('GET', '/v1/policies/dry')).status === 200, { what: 'B to hold the dry run' });
    const counters = (seq: number, n: number) => ({ seq, wouldInject: n, rules: { 'dry/0': { wouldInject: n } } });
    await a('POST', '/v1/dataplane/poll', { body: pollBody({ instance: 'pod-d/vm1', counters: counters(1, 6) }) });
    await b('POST', '/v1/dataplane/poll', { body: pollBody({ instance: 'pod-e/vm1', counters: counters(1, 3) }) });
    const statusOf = async (call: TestClient) => (await call('GET', '/v1/policies/dry')).json().status;
    let seen = '';
    await waitFor(
      async () => {
        const [sa, sb] = [await statusOf(a), await statusOf(b)];
        seen = JSON.stringify([sa.wouldInject, sa.ruleWouldInject, sb.wouldInject, sb.ruleWouldInject]);
        return seen === JSON.stringify([9, [9], 9, [9]]);
      },
      { what: () => `9 on both replicas; A, B: ${seen}`, timeoutMs: 15_000 },
    );
    assert.deepEqual((await statusOf(b)).faults, { aborts: 0, delays: 0 }, 'nothing injected');
    assert.equal((await a('DELETE', '/v1/policies/dry')).status, 200);
    await waitFor(async () => (await b('GET', '/v1/policies/dry')).status === 404, { what: 'the dry run gone on B' });
  });

  test('a data plane moving to the other replica goes on adding up, counted once', async () => {
    await report(b, 'pod-a/vm1', 2, { 'shared/0': { aborts: 5, delays: 0 } });
    await waitFor(async () => (await faults(a, 'shared')).aborts === 12 && (await faults(b, 'shared')).aborts === 12, {
      what: 'the moved data plane counted on both',
      timeoutMs: 15_000,
    });
  });

  test('a summary that is not one (written around the API) is left out; statuses still answer', async () => {
    const client = new Etcd3({ hosts: etcd.endpoint });
    try {
      await client.put(`${ROOT}replicas/faults/bogus`).value('not json');
      await client.put(`${ROOT}replicas/faults/bogus-2`).value('{"shared":{"aborts":"many"}}');
      await report(b, 'pod-b/vm1', 2, { 'shared/0': { aborts: 1, delays: 0 } });
      await waitFor(async () => (await faults(a, 'shared')).aborts === 13, { what: "B's new count on A, past the bad summaries" });
      assert.deepEqual(await faults(a, 'shared'), { aborts: 13, delays: 2 });
      assert.deepEqual(await faults(b, 'shared'), { aborts: 13, delays: 2 });
    } finally {
      await client.delete().prefix(`${ROOT}replicas/faults/bogus`);
      client.close();
    }
  });

  test("a deleted policy's totals leave every replica", async () => {
    assert.equal((await b('DELETE', '/v1/policies/elsewhere')).status, 200);
    await waitFor(async () => (await statuses(a)).elsewhere === undefined && (await statuses(b)).elsewhere === undefined, {
      what: 'the policy gone on both',
    });
  });

  test('a replica that stops hands its share on: the totals stay, also on a replica started after it', async () => {
    await replicas.apps[1]!.close();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // A reads the summaries twice meanwhile
    assert.deepEqual(await faults(a, 'shared'), { aborts: 13, delays: 2 });
    c = await replica();
    await waitFor(async () => (await faults(c, 'shared')).aborts === 13, { what: "the retired share and A's on C" });
    assert.deepEqual(await faults(c, 'shared'), { aborts: 13, delays: 2 });
    assert.deepEqual(await ruleFaults(c, 'shared'), [{ aborts: 13, delays: 2 }], 'the handed-on share keeps its per-rule totals');
    await report(c, 'pod-c/vm1', 1, { 'shared/0': { aborts: 1, delays: 0 } });
    await waitFor(async () => (await faults(a, 'shared')).aborts === 14, { what: "C's count on A" });
  });

  test('a policy deleted and created again starts from zero on every replica, handed-on shares included', async () => {
    assert.equal((await a('DELETE', '/v1/policies/shared')).status, 200);
    await waitFor(
      async () => (await a('GET', '/v1/policies/shared')).status === 404 && (await c('GET', '/v1/policies/shared')).status === 404,
      {
        what: 'the policy gone on A and C',
      },
    );
    assert.equal((await a('POST', '/v1/policies', { body: policy('shared') })).status, 201);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // summaries read twice meanwhile
    assert.deepEqual(await faults(a, 'shared'), { aborts: 0, delays: 0 });
    assert.deepEqual(await faults(c, 'shared'), { aborts: 0, delays: 0 });
  });
});
