// A replica starts on a full etcd: the initial list is read in pages at one revision (one answer of 10,000
// policies exceeded gRPC's 4 MiB cap, and the replica never became ready), a page too large for the cap is
// read in smaller ones, and built tables are stored in transactions of bounded size, all of them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CompiledDfa, type RegexResult, validatePolicy } from '@hfi/policy';
import { type EtcdProcess, startEtcd } from '@hfi/testkit';
import { Etcd3 } from 'etcd3';
import type { FastifyInstance } from 'fastify';
import { EtcdPolicyStore } from '../src/store/etcd.js';
import { httpClient, listen } from './helpers/client.js';
import { makeApp, policy, storeDefaults, testConfig } from './helpers/fixtures.js';

const PREFIX = '/hfi/policies/';
const TABLES = '/hfi/dfa/v1/';
const STAMP = '2026-01-01T00:00:00.000Z';
const realClock = { now: () => Date.now() };

/** A valid policy of about `kb` KB (abort bodies), as a replica writes it to etcd. */
function storedValue(name: string, kb: number): string {
  const rules = Array.from({ length: Math.ceil(kb / 8) }, () => ({
    fault: { percentage: 1, abort: { httpStatus: 503, body: 'x'.repeat(8000) } },
  }));
  const result = validatePolicy({ ...policy(name), spec: { rules } });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return JSON.stringify({ ...result.policy, metadata: { ...result.policy.metadata, createdAt: STAMP, updatedAt: STAMP } });
}

/** A table of the wire shape whose base64 table is `bytes` long (only its shape is checked when read back). */
function fakeTable(i: number, bytes: number): RegexResult {
  const dfa: CompiledDfa = { states: 1, classes: 1, classMap: 'AA==', table: 'A'.repeat(bytes), accept: [i] } as CompiledDfa;
  return { ok: true, dfa };
}

describe('a replica on a large etcd store', () => {
  let etcd: EtcdProcess;
  let client: Etcd3;
  const apps: FastifyInstance[] = [];
  const stores: EtcdPolicyStore[] = [];
  const store = (options: { pageKeys?: number; receiveMaxBytes?: number } = {}) => {
    const s = new EtcdPolicyStore({ endpoints: [etcd.endpoint], maxPolicies: 10_000, clock: realClock, ...storeDefaults, ...options });
    stores.push(s);
    return s;
  };
  before(async () => {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: etcd.endpoint });
  });
  after(async () => {
    for (const app of apps) await app.close();
    for (const s of stores) await s.close();
    client?.close();
    await etcd?.stop();
  });

  test('starts and serves every policy when they add up to more than gRPC answers at once by default (4 MiB)', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `large-${String(i).padStart(2, '0')}`);
    let total = 0;
    for (const name of names) {
      const value = storedValue(name, 160);
      total += value.length;
      await client.put(PREFIX + name).value(value);
    }
    assert.ok(total > 4 * 1024 * 1024, `only ${total} bytes stored`);
    const app = await makeApp({ config: testConfig({ storage: { backend: 'etcd', etcdEndpoints: [etcd.endpoint] } }), clock: realClock });
    apps.push(app);
    const call = httpClient(await listen(app));
    assert.equal((await call('GET', '/ready')).status, 200);
    const listed = (await call('GET', '/v1/policies')).json().items.map((p: { metadata: { name: string } }) => p.metadata.name);
    assert.deepEqual(listed, names);
    await client.delete().prefix(PREFIX);
  });

  test('lists in pages of pageKeys, and a page larger than the receive cap in smaller pages', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `paged-${i}`);
    for (const name of names) await client.put(PREFIX + name).value(storedValue(name, 48));
    const paged = await store({ pageKeys: 3 }).list();
    assert.deepEqual(
      paged.map((p) => p.metadata.name),
      names,
    );
    // 10 keys of ~48 KB in a page against a 200 KiB cap: read 2 at a time after halving.
    const capped = await store({ pageKeys: 10, receiveMaxBytes: 200 * 1024 }).list();
    assert.deepEqual(capped, paged);
    await client.delete().prefix(PREFIX);
  });

  test('stores many tables, and tables beyond one request of etcd (1.5 MiB), in bounded transactions: all of them', async () => {
    const errors: unknown[] = [];
    const s = new EtcdPolicyStore({
      endpoints: [etcd.endpoint],
      maxPolicies: 10,
      clock: realClock,
      ...storeDefaults,
      pageKeys: 50,
      onError: (_operation, error) => errors.push(error),
    });
    stores.push(s);
    const many = new Map(Array.from({ length: 300 }, (_, i) => [`many-${i}`, fakeTable(i, 100)]));
    const large = new Map(Array.from({ length: 40 }, (_, i) => [`large-${i}`, fakeTable(i, 90_000)]));
    await s.tables.putTables(many);
    await s.tables.putTables(large);
    assert.deepEqual(errors, []);
    assert.equal(await client.getAll().prefix(TABLES).count(), 340);
    const read = await s.tables.getTables([...many.keys(), ...large.keys()]);
    assert.equal(read.size, 340);
    assert.deepEqual(read.get('large-39'), large.get('large-39'));
    await s.tables.deleteTables([...many.keys(), ...large.keys()]);
    assert.deepEqual(errors, []);
    assert.equal(await client.getAll().prefix(TABLES).count(), 0);
  });
});
