// ONE store conformance suite, run against the memory store and a real etcd.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FaultInjectionPolicy, validatePolicy } from '@hfi/policy';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import { isHfiError } from '../src/errors.js';
import { EtcdPolicyStore } from '../src/store/etcd.js';
import { MemoryPolicyStore } from '../src/store/memory.js';
import type { PolicyStore, StoreEvent } from '../src/store/types.js';
import { type PolicyOptions, policy, storeDefaults, T0 } from './helpers/fixtures.js';

const realClock = { now: () => Date.now() };

function canonical(name: string, o: PolicyOptions = {}): FaultInjectionPolicy {
  const result = validatePolicy(policy(name, o));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.policy;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isHfiError(error) && error.code === code);
}

async function until(events: StoreEvent[], predicate: (e: StoreEvent[]) => boolean): Promise<void> {
  await waitFor(() => predicate(events), {
    what: () => `store events; got: ${JSON.stringify(events.map((e) => e.kind))}`,
    intervalMs: 10,
  });
}

type Factory = (maxPolicies?: number) => Promise<PolicyStore>;

function conformance(backend: string, makeStore: () => Factory): void {
  describe(`PolicyStore conformance: ${backend}`, () => {
    const stores: PolicyStore[] = [];
    const open = async (max?: number): Promise<PolicyStore> => {
      const s = await makeStore()(max);
      stores.push(s);
      return s;
    };
    after(async () => {
      for (const s of stores) await s.close();
    });

    test('create assigns version, createdAt and updatedAt; get and list return it', async () => {
      const store = await open();
      const { policy: stored, created } = await store.put(canonical('alpha'), { nowMs: T0 });
      assert.equal(created, true);
      assert.match(stored.metadata.version, /^\d+$/);
      assert.equal(stored.metadata.createdAt, new Date(T0).toISOString());
      assert.equal(stored.metadata.updatedAt, new Date(T0).toISOString());
      assert.deepEqual(await store.get('alpha'), stored);
      assert.deepEqual(await store.list(), [stored]);
      assert.equal(await store.get('missing'), undefined);
    });

    test('update grows the version and keeps createdAt', async () => {
      const store = await open();
      const first = (await store.put(canonical('beta'), { nowMs: T0 })).policy;
      const second = await store.put(canonical('beta', { percentage: 10 }), { nowMs: T0 + 5000 });
      assert.equal(second.created, false);
      assert.ok(Number(second.policy.metadata.version) > Number(first.metadata.version));
      assert.equal(second.policy.metadata.createdAt, first.metadata.createdAt);
      assert.equal(second.policy.metadata.updatedAt, new Date(T0 + 5000).toISOString());
      assert.equal((await store.get('beta'))?.spec.rules[0]?.fault.percentage, 10);
    });

    test('list is sorted by name', async () => {
      const store = await open();
      for (const name of ['zeta', 'eta', 'theta']) await store.put(canonical(name), { nowMs: T0 });
      assert.deepEqual(
        (await store.list()).map((p) => p.metadata.name),
        ['eta', 'theta', 'zeta'],
      );
    });

    test('expectedVersion: a stale version and a version on create are conflicts', async () => {
      const store = await open();
      const v1 = (await store.put(canonical('gamma'), { nowMs: T0 })).policy.metadata.version;
      const v2 = (await store.put(canonical('gamma', { percentage: 1 }), { nowMs: T0, expectedVersion: v1 })).policy.metadata.version;
      await rejectsWith(store.put(canonical('gamma', { percentage: 2 }), { nowMs: T0, expectedVersion: v1 }), 'HFI_VERSION_CONFLICT');
      await rejectsWith(store.put(canonical('new-one'), { nowMs: T0, expectedVersion: '1' }), 'HFI_VERSION_CONFLICT');
      assert.equal((await store.get('gamma'))?.metadata.version, v2);
      assert.equal(await store.get('new-one'), undefined);
    });

    test('concurrent updates with one expected version: exactly one wins', async () => {
      const store = await open();
      const v1 = (await store.put(canonical('delta'), { nowMs: T0 })).policy.metadata.version;
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.put(canonical('delta', { percentage: i + 1 }), { nowMs: T0, expectedVersion: v1 })),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 7);
      for (const l of lost) assert.equal((l as PromiseRejectedResult).reason.code, 'HFI_VERSION_CONFLICT');
    });

    test('delete returns the deleted policy, then undefined', async () => {
      const store = await open();
      const stored = (await store.put(canonical('epsilon'), { nowMs: T0 })).policy;
      assert.deepEqual(await store.delete('epsilon', { nowMs: T0 }), stored);
      assert.equal(await store.delete('epsilon', { nowMs: T0 }), undefined);
      assert.equal(await store.get('epsilon'), undefined);
    });

    test('maxPolicies refuses creates with HFI_POLICY_LIMIT but allows updates', async () => {
      const store = await open(2);
      await store.put(canonical('one'), { nowMs: T0 });
      await store.put(canonical('two'), { nowMs: T0 });
      await rejectsWith(store.put(canonical('three'), { nowMs: T0 }), 'HFI_POLICY_LIMIT');
      await store.put(canonical('two', { percentage: 3 }), { nowMs: T0 });
      await store.delete('one', { nowMs: T0 });
      await store.put(canonical('three'), { nowMs: T0 });
    });

    test('watch: a reset with the contents, then every change in order with growing revisions', async () => {
      const store = await open();
      await store.put(canonical('before'), { nowMs: T0 });
      const events: StoreEvent[] = [];
      await store.watch((e) => events.push(e));
      assert.equal(events[0]?.kind, 'reset');
      const reset = events[0] as Extract<StoreEvent, { kind: 'reset' }>;
      assert.ok(reset.epoch.length > 0);
      assert.deepEqual(
        reset.policies.map((p) => p.metadata.name),
        ['before'],
      );
      const written = (await store.put(canonical('after'), { nowMs: T0 })).policy;
      await store.delete('before', { nowMs: T0 });
      await until(events, (e) => e.length >= 3);
      assert.deepEqual(
        events.slice(1).map((e) => e.kind),
        ['put', 'delete'],
      );
      const put = events[1] as Extract<StoreEvent, { kind: 'put' }>;
      assert.equal(put.revision, Number(written.metadata.version));
      assert.deepEqual(put.policy, written);
      assert.ok(events[2]!.revision > put.revision && put.revision > reset.revision);
    });

    test('halts: one per selector; halting again takes the new reason and keeps createdAt; listed by selector', async () => {
      const store = await open();
      const first = await store.putHalt({ selector: { service: 'frontend', namespace: '*' }, reason: 'incident 1' }, { nowMs: T0 });
      assert.equal(first.created, true);
      assert.deepEqual(first.halt, {
        selector: { service: 'frontend', namespace: '*' },
        reason: 'incident 1',
        createdAt: new Date(T0).toISOString(),
        version: first.halt.version,
      });
      const again = await store.putHalt(
        { selector: { service: 'frontend', namespace: '*' }, reason: 'incident 2', actor: 'ana' },
        { nowMs: T0 + 1000 },
      );
      assert.equal(again.created, false);
      assert.equal(again.halt.createdAt, first.halt.createdAt);
      assert.equal(again.halt.actor, 'ana');
      assert.ok(Number(again.halt.version) > Number(first.halt.version), 'every halt write is a new revision');
      await store.putHalt({ selector: { service: '*', namespace: '*' }, reason: '' }, { nowMs: T0 });
      assert.deepEqual(
        (await store.listHalts()).map((h) => [h.selector.service, h.selector.namespace, h.reason]),
        [
          ['*', '*', ''],
          ['frontend', '*', 'incident 2'],
        ],
      );
    });

    test('resume: one selector, or every halt in one revision; nothing to resume leaves the revision as it is', async () => {
      const store = await open();
      for (const service of ['a', 'b', 'c'])
        await store.putHalt({ selector: { service, namespace: 'demo' }, reason: service }, { nowMs: T0 });
      const one = await store.resume({ service: 'b', namespace: 'demo' }, { nowMs: T0 });
      assert.deepEqual(
        one.removed.map((h) => h.reason),
        ['b'],
      );
      const none = await store.resume({ service: 'b', namespace: 'demo' }, { nowMs: T0 });
      assert.deepEqual(none, { removed: [], skipped: [], revision: one.revision });
      const events: StoreEvent[] = [];
      await store.watch((e) => events.push(e));
      const all = await store.resume(undefined, { nowMs: T0 });
      assert.deepEqual(
        all.removed.map((h) => h.reason),
        ['a', 'c'],
      );
      assert.ok(all.revision > one.revision);
      assert.deepEqual(await store.listHalts(), []);
      await until(events, (e) => e.length >= 3);
      assert.deepEqual(
        events.slice(1).map((e) => [e.kind, e.revision]),
        [
          ['resume', all.revision],
          ['resume', all.revision],
        ],
      );
    });

    test('resume of every halt lifts 150 halts, more than one etcd transaction holds', async () => {
      const store = await open();
      for (let i = 0; i < 150; i++) await store.putHalt({ selector: { service: `s${i}`, namespace: 'demo' }, reason: '' }, { nowMs: T0 });
      const all = await store.resume(undefined, { nowMs: T0 });
      assert.equal(all.removed.length, 150);
      assert.equal(new Set(all.removed.map((h) => h.selector.service)).size, 150);
      assert.deepEqual(await store.listHalts(), []);
    });

    test('watch: the reset carries the halts; halt writes are events in the same revision order as policy writes', async () => {
      const store = await open();
      await store.putHalt({ selector: { service: '*', namespace: 'prod' }, reason: 'freeze' }, { nowMs: T0 });
      const events: StoreEvent[] = [];
      await store.watch((e) => events.push(e));
      const reset = events[0] as Extract<StoreEvent, { kind: 'reset' }>;
      assert.deepEqual(
        reset.halts.map((h) => h.reason),
        ['freeze'],
      );
      const policyWrite = (await store.put(canonical('p'), { nowMs: T0 })).policy;
      const haltWrite = (await store.putHalt({ selector: { service: 'frontend', namespace: '*' }, reason: 'x' }, { nowMs: T0 })).halt;
      const resumed = await store.resume({ service: '*', namespace: 'prod' }, { nowMs: T0 });
      await until(events, (e) => e.length >= 4);
      assert.deepEqual(
        events.slice(1).map((e) => e.kind),
        ['put', 'halt', 'resume'],
      );
      assert.deepEqual((events[2] as Extract<StoreEvent, { kind: 'halt' }>).halt, haltWrite);
      assert.equal((events[3] as Extract<StoreEvent, { kind: 'resume' }>).haltKey, '*/prod');
      assert.ok(Number(policyWrite.metadata.version) < Number(haltWrite.version) && Number(haltWrite.version) < resumed.revision);
      assert.equal(events[3]!.revision, resumed.revision);
    });

    test('trips: written once per policy version, only while the policy is at it; events and the reset carry them; a delete takes them along', async () => {
      const store = await open();
      const v1 = (await store.put(canonical('tripped'), { nowMs: T0 })).policy;
      const reason = {
        source: 'stopWhen' as const,
        conditionIndex: 0,
        condition: { selector: { service: 'frontend', namespace: 'demo' }, errorRateAbove: 5, windowMs: 30_000, minRequests: 20 },
        observed: { requests: 40, errors: 4, errorRatePercent: 10, p99Ms: 12, dataPlanes: 1 },
        at: new Date(T0).toISOString(),
      };
      const request = { policy: 'tripped', policyVersion: v1.metadata.version, reason };
      const events: StoreEvent[] = [];
      await store.watch((e) => events.push(e));
      const [first, second] = await Promise.all([store.putTrip(request, { nowMs: T0 }), store.putTrip(request, { nowMs: T0 })]);
      const written = [first, second].filter((t) => t !== undefined);
      assert.equal(written.length, 1, 'two trips of one version at once: one written');
      assert.deepEqual(written[0], { ...request, version: written[0]!.version });
      assert.equal(await store.putTrip({ ...request, policyVersion: '1' }, { nowMs: T0 }), undefined, 'another version: not written');
      await until(events, (e) => e.some((x) => x.kind === 'trip'));
      assert.deepEqual((events.find((e) => e.kind === 'trip') as Extract<StoreEvent, { kind: 'trip' }>).trip, written[0]);
      const trips = (await store.audit.list({ policy: 'tripped', kind: 'trip', limit: 10 })).map((e) => e.after);
      assert.deepEqual(trips, [written[0]], 'one audit entry');

      const v2 = (await store.put(canonical('tripped', { percentage: 10 }), { nowMs: T0 })).policy;
      assert.ok(
        (await store.putTrip({ ...request, policyVersion: v2.metadata.version }, { nowMs: T0 })) !== undefined,
        'the new version may be tripped: it overwrites the old trip',
      );
      const removed = await store.deleteTrip('tripped', { nowMs: T0, actor: 'alice' });
      assert.equal(removed?.trip?.policyVersion, v2.metadata.version);
      assert.equal(await store.deleteTrip('tripped', { nowMs: T0 }), undefined, 'nothing left to resume');
      const [resume] = await store.audit.list({ policy: 'tripped', kind: 'resume', limit: 1 });
      assert.equal(resume?.actor, 'alice');

      await store.putTrip({ ...request, policyVersion: v2.metadata.version }, { nowMs: T0 });
      const later: StoreEvent[] = [];
      await store.watch((e) => later.push(e));
      assert.equal(
        (later[0] as Extract<StoreEvent, { kind: 'reset' }>).trips?.[0]?.policyVersion,
        v2.metadata.version,
        'the reset carries it',
      );
      await store.delete('tripped', { nowMs: T0 });
      await until(later, (e) => e.some((x) => x.kind === 'untrip'));
      assert.equal(await store.deleteTrip('tripped', { nowMs: T0 }), undefined, 'gone with its policy');
    });

    test('ping answers; a closed store refuses writes', async () => {
      const store = await makeStore()();
      await store.ping();
      await store.close();
      await rejectsWith(store.put(canonical('late'), { nowMs: T0 }), 'HFI_STORE_UNAVAILABLE');
      await rejectsWith(store.putHalt({ selector: { service: '*', namespace: '*' }, reason: '' }, { nowMs: T0 }), 'HFI_STORE_UNAVAILABLE');
    });
  });
}

conformance(
  'memory',
  () =>
    async (max = 100) =>
      new MemoryPolicyStore({ maxPolicies: max, ...storeDefaults }),
);

let etcd: EtcdProcess | undefined;
let prefixCounter = 0;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});
const etcdStore = (root: string, max = 100): EtcdPolicyStore =>
  new EtcdPolicyStore({ endpoints: [etcd!.endpoint], maxPolicies: max, clock: realClock, root, ...storeDefaults });
conformance(
  'etcd',
  () =>
    async (max = 100) =>
      etcdStore(`/hfi-test/${++prefixCounter}/`, max),
);

test('etcd: halts survive the store being closed and opened again (a control-plane restart), and are shared by replicas', async () => {
  const root = `/hfi-test/${++prefixCounter}/`;
  const first = etcdStore(root);
  const halt = (await first.putHalt({ selector: { service: 'frontend', namespace: 'demo' }, reason: 'pager' }, { nowMs: T0 })).halt;
  const replica = etcdStore(root);
  const events: StoreEvent[] = [];
  await replica.watch((e) => events.push(e));
  await first.close();
  const reopened = etcdStore(root);
  try {
    assert.deepEqual(await reopened.listHalts(), [halt]);
    assert.deepEqual((events[0] as Extract<StoreEvent, { kind: 'reset' }>).halts, [halt]);
    await reopened.resume(undefined, { nowMs: T0 });
    await until(events, (e) => e.some((x) => x.kind === 'resume'));
  } finally {
    await reopened.close();
    await replica.close();
  }
});
