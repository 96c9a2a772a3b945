// Stop conditions with two replicas on a real etcd, both judging the same figures: a trip is written once
// (one audit entry), every replica answers Halted with the same reason and leaves the rules out, a replica
// started later still sees it, and a resume through either replica reaches both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import type { TestClient } from './helpers/client.js';
import { FakeFigures } from './helpers/fake-figures.js';
import { policy } from './helpers/fixtures.js';
import { etcdReplicas } from './helpers/replicas.js';

const ROOT = '/hfi-stop-conditions/';
const FRONTEND = { service: 'frontend', namespace: 'demo' };

describe('stop conditions with two replicas on etcd', () => {
  let etcd: EtcdProcess;
  const figures = new FakeFigures();
  let a: TestClient;
  let b: TestClient;
  const replicas = etcdReplicas(() => etcd.endpoint, ROOT);
  const replica = () => replicas.start({ workloadFigures: figures, stopConditionIntervalMs: 20 });
  before(async () => {
    etcd = await startEtcd();
    a = await replica();
    b = await replica();
  });
  after(async () => {
    await replicas.close();
    await etcd?.stop();
  });

  const statusOf = async (call: TestClient, name: string) => (await call('GET', `/v1/policies/${name}`)).json().status;
  const ruleIds = async (call: TestClient) => (await call('GET', '/v1/ruleset')).json().rules.map((r: { id: string }) => r.id);
  const guarded = () => {
    const p = policy('cart-abort', { service: 'cart', percentage: 100 });
    return { ...p, spec: { ...(p.spec as object), stopWhen: [{ selector: FRONTEND, errorRateAbove: 5, minRequests: 10 }] } };
  };

  test('both replicas judge the same figures: one trip, one audit entry; both answer Halted with the same reason and leave the rules out', async () => {
    assert.equal((await a('POST', '/v1/policies', { body: guarded() })).status, 201);
    await waitFor(async () => (await ruleIds(b)).includes('cart-abort/0'), { what: 'B to serve the policy' });
    figures.set(FRONTEND, { requests: 50, errors: 25, errorRatePercent: 50 });
    await waitFor(
      async () => (await statusOf(a, 'cart-abort')).phase === 'Halted' && (await statusOf(b, 'cart-abort')).phase === 'Halted',
      {
        what: 'halted on both replicas',
      },
    );
    assert.deepEqual((await statusOf(a, 'cart-abort')).haltReason, (await statusOf(b, 'cart-abort')).haltReason);
    await waitFor(async () => (await ruleIds(a)).length === 0 && (await ruleIds(b)).length === 0, { what: 'the rules out of both sets' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // many more rounds on both, the condition still holding
    const entries = (await b('GET', '/v1/audit?policy=cart-abort&kind=trip')).json().items;
    assert.equal(entries.length, 1, 'written once, whichever replica got there first');
    assert.equal(entries[0].actor, 'system');
  });

  test('a replica started later sees the trip (it is stored); a resume through one replica reaches the other', async () => {
    const c = await replica();
    assert.equal((await statusOf(c, 'cart-abort')).phase, 'Halted');
    assert.equal((await statusOf(c, 'cart-abort')).haltReason.source, 'stopWhen');
    figures.set(FRONTEND, { requests: 50, errorRatePercent: 0 });
    const resumed = await b('POST', '/v1/policies/cart-abort/resume');
    assert.equal(resumed.status, 200);
    await waitFor(async () => (await ruleIds(a)).includes('cart-abort/0') && (await ruleIds(c)).includes('cart-abort/0'), {
      what: 'the rules back on A and C',
    });
    assert.equal((await statusOf(a, 'cart-abort')).haltReason, undefined);
    assert.equal((await a('GET', '/v1/audit?policy=cart-abort&kind=resume')).json().items.length, 1);
  });

  test('deleting a stopped policy removes its trip with it', async () => {
    figures.set(FRONTEND, { requests: 50, errorRatePercent: 50 });
    await waitFor(async () => (await statusOf(a, 'cart-abort')).phase === 'Halted', { what: 'halted again' });
    figures.set(FRONTEND, { requests: 50, errorRatePercent: 0 });
    assert.equal((await a('DELETE', '/v1/policies/cart-abort')).status, 200);
    assert.equal((await a('POST', '/v1/policies', { body: guarded() })).status, 201);
    await waitFor(async () => (await ruleIds(b)).includes('cart-abort/0'), { what: 'the new policy served by B' });
    assert.notEqual((await statusOf(b, 'cart-abort')).phase, 'Halted');
  });
});
