// Built regex tables kept in etcd beside the policies, content-addressed: written with the policy, read by a
// replica that starts (instead of building), deleted once no policy uses them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildRegex } from '@hfi/policy';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import { Etcd3 } from 'etcd3';
import type { FastifyInstance } from 'fastify';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { makeApp, policy, testConfig } from './helpers/fixtures.js';

const TABLES = '/hfi/dfa/v1/';

describe('DFA tables in etcd', () => {
  let etcd: EtcdProcess;
  let client: Etcd3;
  const apps: FastifyInstance[] = [];
  const replica = async (): Promise<TestClient> => {
    const app = await makeApp({
      config: testConfig({ storage: { backend: 'etcd', etcdEndpoints: [etcd.endpoint] } }),
      clock: { now: () => Date.now() },
    });
    apps.push(app);
    return httpClient(await listen(app));
  };
  const withRegex = (name: string, regex: string) => {
    const p = policy(name) as { spec: { rules: { match: unknown }[] } };
    p.spec.rules[0]!.match = { path: { regex } };
    return p;
  };
  before(async () => {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: etcd.endpoint });
  });
  after(async () => {
    for (const app of apps) await app.close();
    client?.close();
    await etcd?.stop();
  });

  test('a write stores its tables; a replica started later serves the stored table; a delete removes it', async () => {
    const a = await replica();
    assert.equal((await a('POST', '/v1/policies', { body: withRegex('tabled', '/api/v[0-9]+/items') })).status, 201);
    const stored = Object.values(await client.getAll().prefix(TABLES).strings());
    assert.equal(stored.length, 1);
    const built = buildRegex('/api/v[0-9]+/items');
    assert.ok(built.ok);
    assert.deepEqual(JSON.parse(stored[0]!), { source: '/api/v[0-9]+/items', dfa: built.dfa });
    // A table altered in the store is what a starting replica uses: it read the table, it did not build one.
    const key = Object.keys(await client.getAll().prefix(TABLES).strings())[0]!;
    const altered = { ...built.dfa, accept: [...built.dfa.accept, 0] };
    await client.put(key).value(JSON.stringify({ source: '/api/v[0-9]+/items', dfa: altered }));
    const b = await replica();
    const ruleSet = (await b('GET', '/v1/ruleset')).json();
    const rule = ruleSet.rules.find((r: { policy: string }) => r.policy === 'tabled');
    assert.deepEqual(ruleSet.dfas[rule.path.dfa], altered);
    assert.equal((await a('DELETE', '/v1/policies/tabled')).status, 200);
    await waitFor(async () => (await client.getAll().prefix(TABLES).count()) === 0, { what: 'the unused table to be deleted' });
  });
});
