// The audit history through the API, on memory and on a real etcd: every kind of change with its actor (the
// token's name) and before/after, the query, retention, and on etcd: shared by replicas, kept across a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import { Etcd3 } from 'etcd3';
import type { FastifyInstance } from 'fastify';
import type { ControlPlaneConfig } from '../src/config/config.js';
import { EtcdPolicyStore } from '../src/store/etcd.js';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { makeApp, policy, randomHex, testConfig } from './helpers/fixtures.js';

const realClock = { now: () => Date.now() };
const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789';
const READER = 'grafana-secret-0123456789';
const DATAPLANE = 'dataplane-secret-0123456789';
const namedTokens = {
  tokens: {
    admin: [
      { name: 'alice', token: ALICE },
      { name: 'bob', token: BOB },
    ],
    read: [{ name: 'grafana', token: READER }],
    dataplane: [{ name: 'dataplane', token: DATAPLANE }],
  },
  allowUnauthenticated: false,
};

type Entry = {
  id: string;
  at: string;
  actor: string;
  kind: string;
  policy?: string;
  selector?: { service: string; namespace: string };
  version?: string;
  before: any;
  after: any;
};

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function history(call: TestClient, query = ''): Promise<Entry[]> {
  const r = await call('GET', `/v1/audit${query}`, { headers: as(READER) });
  assert.equal(r.status, 200, r.text);
  return r.json().items;
}

/** The same cases on every backend; `open` starts a replica on the backend under test. */
function auditSuite(backend: 'memory' | 'etcd', open: (overrides?: Partial<ControlPlaneConfig>) => Promise<FastifyInstance>): void {
  describe(`audit history: ${backend}`, () => {
    const apps: FastifyInstance[] = [];
    const start = async (overrides: Partial<ControlPlaneConfig> = {}): Promise<TestClient> => {
      const app = await open({ auth: namedTokens, ...overrides });
      apps.push(app);
      return httpClient(await listen(app));
    };
    after(async () => {
      for (const app of apps) await app.close();
    });

    test('create, update, delete, halt (and a re-halt), resume: each with its actor, time, version and before/after', async () => {
      const call = await start();
      const created = (await call('POST', '/v1/policies', { body: policy('checkout'), headers: as(ALICE) })).json();
      const unchanged = await call('POST', '/v1/policies', { body: policy('checkout'), headers: as(ALICE) });
      assert.equal(unchanged.headers['hfi-result'], 'unchanged');
      const updated = (await call('POST', '/v1/policies', { body: policy('checkout', { percentage: 20 }), headers: as(BOB) })).json();
      const halt = (
        await call('POST', '/v1/halt', { body: { selector: { service: 'frontend' }, reason: 'pager' }, headers: as(BOB) })
      ).json();
      const rehalt = (
        await call('POST', '/v1/halt', { body: { selector: { service: 'frontend' }, reason: 'still' }, headers: as(ALICE) })
      ).json();
      const resumed = (await call('DELETE', '/v1/halt?service=frontend', { headers: as(ALICE) })).json();
      const deleted = await call('DELETE', '/v1/policies/checkout', { headers: as(BOB) });
      assert.equal(deleted.status, 200);

      const strip = ({ status: _s, ...p }: any) => p;
      const entries = await history(call);
      assert.deepEqual(
        entries.map((e) => [e.kind, e.actor, e.policy ?? `${e.selector?.service}.${e.selector?.namespace}`]),
        [
          ['delete', 'bob', 'checkout'],
          ['resume', 'alice', 'frontend.*'],
          ['halt', 'alice', 'frontend.*'],
          ['halt', 'bob', 'frontend.*'],
          ['update', 'bob', 'checkout'],
          ['create', 'alice', 'checkout'],
        ],
        'newest first; the unchanged apply wrote nothing',
      );
      const [del, res, re, h, upd, cre] = entries as [Entry, Entry, Entry, Entry, Entry, Entry];
      assert.deepEqual([cre.before, cre.after], [null, strip(created)]);
      assert.equal(cre.version, created.metadata.version);
      assert.deepEqual([upd.before, upd.after], [strip(created), strip(updated)]);
      assert.equal(upd.version, updated.metadata.version);
      assert.deepEqual([h.before, h.after], [null, halt]);
      assert.deepEqual([re.before, re.after], [halt, { ...rehalt }]);
      assert.deepEqual([res.before, res.after, res.version], [rehalt, null, String(resumed.version)]);
      assert.deepEqual([del.before, del.after], [strip(updated), null]);
      assert.ok(Number(del.version) > Number(res.version));
      for (const e of entries) assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 60_000, `${e.kind} at ${e.at}`);
      assert.equal(new Set(entries.map((e) => e.id)).size, entries.length, 'ids are unique');
    });

    test('?policy= keeps one policy, ?kind= one kind, ?limit= the newest N; a bad limit is 400 naming it', async () => {
      const call = await start();
      for (const name of ['one', 'two']) await call('POST', '/v1/policies', { body: policy(name), headers: as(ALICE) });
      await call('POST', '/v1/policies', { body: policy('one', { percentage: 5 }), headers: as(ALICE) });
      await call('POST', '/v1/halt', { headers: as(ALICE) });
      assert.deepEqual(
        (await history(call, '?policy=one')).map((e) => e.kind),
        ['halt', 'update', 'create'],
        'a halt of everything covers it',
      );
      assert.deepEqual(
        (await history(call, '?kind=create')).map((e) => e.policy),
        ['two', 'one'],
      );
      assert.deepEqual(
        (await history(call, '?limit=2')).map((e) => e.kind),
        ['halt', 'update'],
      );
      for (const limit of ['0', '1001', 'lots']) {
        const r = await call('GET', `/v1/audit?limit=${limit}`, { headers: as(READER) });
        assert.equal(r.status, 400, limit);
        assert.equal(r.json().code, 'HFI_INVALID_REQUEST');
        assert.equal(r.json().details[0].path, 'limit');
      }
      const kind = await call('GET', '/v1/audit?kind=rename', { headers: as(READER) });
      assert.equal(kind.status, 400);
      assert.equal(kind.json().details[0].path, 'kind');
      await call('DELETE', '/v1/halt', { headers: as(ALICE) });
    });

    test('?policy= also keeps the halts and resumes that covered a selector the policy had then', async () => {
      const call = await start();
      const halt = (service: string) => call('POST', '/v1/halt', { body: { selector: { service }, reason: service }, headers: as(BOB) });
      const resume = (service: string) => call('DELETE', `/v1/halt?service=${service}`, { headers: as(BOB) });
      await halt('frontend'); // before the policy existed
      await resume('frontend');
      await call('POST', '/v1/policies', { body: policy('moving', { service: 'frontend' }), headers: as(ALICE) });
      await halt('cart'); // not its service
      await halt('frontend');
      await call('POST', '/v1/policies', { body: policy('moving', { service: 'cart' }), headers: as(ALICE) });
      await resume('frontend'); // no longer its service
      await resume('cart');
      await call('DELETE', '/v1/policies/moving', { headers: as(ALICE) });
      await halt('cart'); // after it was deleted
      const kept = (await history(call, '?policy=moving')).map((e) => `${e.kind} ${e.policy ?? e.selector?.service}`);
      assert.deepEqual(kept, ['delete moving', 'resume cart', 'update moving', 'halt frontend', 'create moving']);
      await resume('cart');
    });

    test('reading the history needs a read token: none is 401, a data-plane token 403', async () => {
      const call = await start();
      assert.equal((await call('GET', '/v1/audit')).status, 401);
      assert.equal((await call('GET', '/v1/audit', { headers: as(DATAPLANE) })).status, 403);
      assert.equal((await call('GET', '/v1/audit', { headers: as(ALICE) })).status, 200);
    });

    test('a policy whose last rule ends is recorded once as expire, by "system", at the time it ended', async () => {
      const call = await start({ autoExpireCheckIntervalMs: 100 });
      const written = (await call('POST', '/v1/policies', { body: policy('brief', { durationSeconds: 1 }), headers: as(ALICE) })).json();
      const endedAt = Date.parse(written.metadata.updatedAt) + 1000;
      await waitFor(async () => (await history(call, '?policy=brief&kind=expire')).length > 0, { what: 'the expiry entry' });
      await new Promise((resolve) => setTimeout(resolve, 300)); // three more sweeps: still one entry
      const expiries = await history(call, '?policy=brief&kind=expire');
      assert.equal(expiries.length, 1);
      const { status: _s, ...stored } = written;
      assert.deepEqual(
        { actor: expiries[0]!.actor, at: Date.parse(expiries[0]!.at), before: expiries[0]!.before, after: expiries[0]!.after },
        { actor: 'system', at: endedAt, before: null, after: stored },
      );
      assert.equal(expiries[0]!.version, undefined, 'an expiry writes nothing');
      await call('DELETE', '/v1/policies/brief', { headers: as(ALICE) });
    });

    test('retention by count keeps the newest entries', async () => {
      const call = await start({ audit: { maxEntries: 3, maxAgeMs: 3600_000 }, autoExpireCheckIntervalMs: 100 });
      for (let i = 1; i <= 5; i++) await call('POST', '/v1/policies', { body: policy(`count-${i}`), headers: as(ALICE) });
      await waitFor(async () => (await history(call, '?kind=create')).length <= 3, { what: 'the history pruned to 3' });
      assert.deepEqual((await history(call, '?kind=create')).map((e) => e.policy).slice(0, 3), ['count-5', 'count-4', 'count-3']);
    });

    test('retention by age drops entries older than the maximum age', async () => {
      const call = await start({ audit: { maxEntries: 100, maxAgeMs: 1000 }, autoExpireCheckIntervalMs: 100 });
      await call('POST', '/v1/policies', { body: policy('aged'), headers: as(ALICE) });
      assert.equal((await history(call, '?policy=aged')).length, 1);
      await waitFor(async () => (await history(call, '?policy=aged')).length === 0, { what: 'the old entry pruned', timeoutMs: 10_000 });
    });
  });
}

describe('on an open server (no token)', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ clock: realClock });
  });
  after(() => app.close());

  test('the actor of a change is "anonymous"', async () => {
    const call = httpClient(await listen(app));
    await call('POST', '/v1/policies', { body: policy('open') });
    const entries = (await call('GET', '/v1/audit')).json().items as Entry[];
    assert.deepEqual(
      entries.map((e) => [e.kind, e.actor]),
      [['create', 'anonymous']],
    );
  });
});

auditSuite('memory', (overrides) => makeApp({ config: testConfig(overrides), clock: realClock }));

let etcd: EtcdProcess | undefined;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

/** One etcd for the file, a fresh root per replica set: each test sees only its own history. */
let roots = 0;
function etcdReplica(config: ControlPlaneConfig, root: string, pageKeys?: number): Promise<FastifyInstance> {
  const store = new EtcdPolicyStore({
    ...(pageKeys !== undefined ? { pageKeys } : {}),
    endpoints: [etcd!.endpoint],
    maxPolicies: config.maxPolicies,
    clock: realClock,
    randomHex,
    audit: config.audit,
    root,
  });
  return makeApp({ config, clock: realClock, store });
}
auditSuite('etcd', (overrides) => etcdReplica(testConfig(overrides), `/hfi-audit-${++roots}/`));

describe('audit history on etcd: replicas and restarts', () => {
  test('a query reads newest first across pages until enough entries match', async () => {
    const app = await etcdReplica(testConfig({ auth: namedTokens }), `/hfi-audit-pages-${++roots}/`, 4); // audit pages of 2
    try {
      const call = httpClient(await listen(app));
      for (let i = 1; i <= 4; i++) {
        await call('POST', '/v1/policies', { body: policy(`paged-${i}`), headers: as(ALICE) });
        await call('POST', '/v1/policies', { body: policy(`paged-${i}`, { percentage: 7 }), headers: as(BOB) });
      }
      assert.deepEqual(
        (await history(call, '?kind=create&limit=3')).map((e) => e.policy),
        ['paged-4', 'paged-3', 'paged-2'],
      );
      assert.deepEqual(
        (await history(call, '?policy=paged-1')).map((e) => `${e.kind} ${e.actor}`),
        ['update bob', 'create alice'],
      );
      assert.equal((await history(call)).length, 8);
    } finally {
      await app.close();
    }
  });

  test('a key under the audit prefix whose value is not an entry (written around the API) is skipped', async () => {
    const root = `/hfi-audit-bogus-${++roots}/`;
    const app = await etcdReplica(testConfig({ auth: namedTokens }), root);
    const client = new Etcd3({ hosts: etcd!.endpoint });
    try {
      const call = httpClient(await listen(app));
      await call('POST', '/v1/policies', { body: policy('kept'), headers: as(ALICE) });
      await client.put(`${root}audit/999999999999999-bogus`).value('{"kind":"rename"}');
      await client.put(`${root}audit/999999999999998-bogus`).value('not json');
      assert.deepEqual(
        (await history(call)).map((e) => [e.kind, e.policy]),
        [['create', 'kept']],
      );
    } finally {
      client.close();
      await app.close();
    }
  });

  test('two replicas share one history, an expiry is recorded once between them, and it outlives both', async () => {
    const root = `/hfi-audit-shared-${++roots}/`;
    const config = testConfig({ auth: namedTokens, autoExpireCheckIntervalMs: 100 });
    const a = await etcdReplica(config, root);
    const b = await etcdReplica(config, root);
    const callA = httpClient(await listen(a));
    const callB = httpClient(await listen(b));
    try {
      await callA('POST', '/v1/policies', { body: policy('shared', { durationSeconds: 1 }), headers: as(ALICE) });
      await callB('POST', '/v1/halt', { body: { selector: { service: 'cart' } }, headers: as(BOB) });
      await waitFor(async () => (await history(callB, '?kind=expire')).length > 0, { what: 'the expiry entry' });
      await new Promise((resolve) => setTimeout(resolve, 500)); // both replicas swept several times
      const fromA = await history(callA);
      assert.deepEqual(fromA, await history(callB), 'the same history whichever replica answers');
      assert.deepEqual(
        fromA.map((e) => [e.kind, e.actor]),
        [
          ['expire', 'system'],
          ['halt', 'bob'],
          ['create', 'alice'],
        ],
      );
    } finally {
      await a.close();
      await b.close();
    }
    const restarted = await etcdReplica(config, root);
    try {
      const call = httpClient(await listen(restarted));
      await new Promise((resolve) => setTimeout(resolve, 300)); // it sweeps too: the expiry is not recorded again
      assert.deepEqual(
        (await history(call)).map((e) => e.kind),
        ['expire', 'halt', 'create'],
      );
    } finally {
      await restarted.close();
    }
  });
});
