// A value under the policy prefix that does not decode (written around the API): every replica skips it
// alike (initial load, watch, resync), lists it in /ready, counts it in a metric and logs it; DELETE removes
// the raw key and a create overwrites it.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { COMPONENT_SCHEMAS, compileChecker, DeletedSkippedKey, Ready } from '@hfi/api';
import { type EtcdProcess, startEtcd, waitFor } from '@hfi/testkit';
import { Etcd3 } from 'etcd3';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { httpClient, listen, metric, type TestClient } from './helpers/client.js';
import { makeApp, policy, testConfig } from './helpers/fixtures.js';

const realClock = { now: () => Date.now() };
const PREFIX = '/hfi/policies/';

describe('store values that are not valid policies', () => {
  let etcd: EtcdProcess;
  let client: Etcd3;
  const apps: FastifyInstance[] = [];
  let a: TestClient;
  let logged = '';
  const replica = async (): Promise<TestClient> => {
    const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
    const app = await makeApp({
      logger: pino({ level: 'error' }, sink),
      config: testConfig({ storage: { backend: 'etcd', etcdEndpoints: [etcd.endpoint] } }),
      clock: realClock,
    });
    apps.push(app);
    return httpClient(await listen(app));
  };
  /** What a replica serves: the rule set's version and hash, the policy names and the skipped keys. */
  const view = async (r: TestClient) => {
    const ruleSet = (await r('GET', '/v1/ruleset')).json();
    const ready = await r('GET', '/ready');
    return {
      version: ruleSet.version,
      hash: ruleSet.hash,
      names: (await r('GET', '/v1/policies')).json().items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ready: ready.status,
      skipped: ready.json().details,
      readyFitsSchema: compileChecker(Ready, [...COMPONENT_SCHEMAS]).check(ready.json()),
    };
  };
  before(async () => {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: etcd.endpoint });
    a = await replica();
  });
  after(async () => {
    for (const app of apps) await app.close();
    client?.close();
    await etcd?.stop();
  });

  test('garbage over a live policy: replica A (watching) and a replica B started afterwards end with the same view', async () => {
    assert.equal((await a('POST', '/v1/policies', { body: policy('victim') })).status, 201);
    assert.equal((await a('POST', '/v1/policies', { body: policy('bystander') })).status, 201);
    await client.put(`${PREFIX}victim`).value('{"not": "a policy"');
    await waitFor(async () => (await a('GET', '/v1/policies/victim')).status === 404, {
      what: 'A to drop the policy the key no longer holds',
    });
    const b = await replica();
    const [viewA, viewB] = [await view(a), await view(b)];
    assert.deepEqual(viewA, viewB);
    assert.deepEqual(viewA.names, ['bystander']);
    assert.equal(viewA.ready, 200);
    assert.ok(viewA.readyFitsSchema, 'the /ready answer with details is the documented Ready');
    assert.equal(viewA.skipped.length, 1);
    assert.equal(viewA.skipped[0].path, `${PREFIX}victim`);
    assert.match(viewA.skipped[0].message, /^skipped: the value is not a valid policy: /);
    assert.equal(await metric(a, 'hfi_control_plane_store_skipped_keys'), 1);
    assert.equal(await metric(b, 'hfi_control_plane_store_skipped_keys'), 1);
    assert.ok(logged.includes(`"key":"${PREFIX}victim"`), logged);
  });

  test('a create through the API overwrites the skipped value (201 created), on every replica', async () => {
    const b = httpClient(`http://127.0.0.1:${(apps[1]!.server.address() as { port: number }).port}`);
    const written = await a('POST', '/v1/policies', { body: policy('victim', { percentage: 7 }) });
    assert.equal(written.status, 201, written.text);
    assert.equal(written.headers['hfi-result'], 'created');
    await waitFor(async () => (await b('GET', '/v1/policies/victim')).status === 200, { what: 'B to see the repaired policy' });
    assert.deepEqual(await view(a), await view(b));
    assert.deepEqual((await view(a)).skipped, []);
    assert.equal(await metric(a, 'hfi_control_plane_store_skipped_keys'), 0);
  });

  test('DELETE removes a key whose value does not decode (200), and both replicas forget it', async () => {
    const b = httpClient(`http://127.0.0.1:${(apps[1]!.server.address() as { port: number }).port}`);
    await client.put(`${PREFIX}junk`).value('\u0000binary');
    await waitFor(async () => (await view(b)).skipped.length === 1, { what: 'B to list the junk key' });
    const deleted = await a('DELETE', '/v1/policies/junk');
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(compileChecker(DeletedSkippedKey).errors(deleted.json()), [], 'the documented answer');
    assert.equal(deleted.json().key, `${PREFIX}junk`);
    assert.equal(await client.get(`${PREFIX}junk`).string(), null);
    await waitFor(async () => (await view(b)).skipped.length === 0, { what: 'B to forget the junk key' });
    assert.deepEqual(await view(a), await view(b));
    assert.equal((await a('DELETE', '/v1/policies/junk')).status, 404);
  });
});
