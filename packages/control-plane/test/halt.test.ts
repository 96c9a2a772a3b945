// The kill switch through the API: halting, listing, resuming, what data planes receive, phases and metrics.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { httpClient, listen, metric, type TestClient } from './helpers/client.js';
import { authWith, ManualClock, makeApp, policy, pollBody, testConfig } from './helpers/fixtures.js';

describe('halts', () => {
  let app: FastifyInstance;
  let call: TestClient;
  const clock = new ManualClock();
  before(async () => {
    app = await makeApp({ clock });
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  const ruleSetFor = async (service: string, namespace: string) =>
    (await call('GET', `/v1/ruleset?service=${service}&namespace=${namespace}`)).json();

  test('POST /v1/halt without a body halts everything; again updates the reason; GET lists; DELETE resumes all', async () => {
    await call('POST', '/v1/policies', { body: policy('everywhere', { service: '*', namespace: '*' }) });
    const before = (await call('GET', '/v1/ruleset')).json();
    const created = await call('POST', '/v1/halt');
    assert.equal(created.status, 201);
    assert.equal(created.headers['hfi-result'], 'created');
    const halt = created.json();
    assert.deepEqual(halt.selector, { service: '*', namespace: '*' });
    assert.equal(halt.reason, '');
    assert.ok(Number(halt.version) > before.version, 'a halt bumps the rule-set version');
    const again = await call('POST', '/v1/halt', { body: { reason: 'incident 42' } });
    assert.equal(again.status, 200);
    assert.equal(again.headers['hfi-result'], 'configured');
    assert.equal(again.json().createdAt, halt.createdAt);
    assert.deepEqual(
      (await call('GET', '/v1/halt')).json().items.map((h: { reason: string }) => h.reason),
      ['incident 42'],
    );
    const resumed = await call('DELETE', '/v1/halt');
    assert.equal(resumed.status, 200);
    assert.deepEqual(
      resumed.json().items.map((h: { reason: string }) => h.reason),
      ['incident 42'],
    );
    assert.equal((await call('GET', '/v1/ruleset')).json().version, resumed.json().version);
    assert.deepEqual((await call('GET', '/v1/halt')).json().items, []);
    const nothing = await call('DELETE', '/v1/halt');
    assert.deepEqual(nothing.json(), { items: [], version: resumed.json().version });
    await call('DELETE', '/v1/policies/everywhere');
  });

  test('a data plane a halt covers is sent no rules and the halt; the whole set keeps its rules and lists the halt', async () => {
    await call('POST', '/v1/policies', { body: policy('front', { service: 'frontend', namespace: 'demo' }) });
    await call('POST', '/v1/policies', { body: policy('back', { service: 'backend', namespace: 'demo' }) });
    const halt = (await call('POST', '/v1/halt', { body: { reason: 'pager', selector: { service: 'frontend' }, actor: 'ana' } })).json();
    const front = await ruleSetFor('frontend', 'demo');
    assert.deepEqual(front.rules, []);
    assert.deepEqual(front.halts, [
      { selector: { service: 'frontend', namespace: '*' }, reason: 'pager', createdAt: halt.createdAt, actor: 'ana' },
    ]);
    const back = await ruleSetFor('backend', 'demo');
    assert.deepEqual(
      back.rules.map((r: { id: string }) => r.id),
      ['back/0'],
    );
    assert.equal(back.halts, undefined);
    const whole = (await call('GET', '/v1/ruleset')).json();
    assert.equal(whole.rules.length, 2);
    assert.equal(whole.halts.length, 1);

    // A held poll of the halted data plane is answered with the halted set.
    const held = await call('POST', '/v1/dataplane/poll', {
      body: pollBody({ instance: 'front-1/vm', service: 'frontend', namespace: 'demo', epoch: front.epoch, version: front.version - 1 }),
    });
    assert.equal(held.status, 200);
    assert.deepEqual(held.json().rules, []);
    await call('DELETE', '/v1/halt?service=frontend');
    assert.deepEqual(
      (await ruleSetFor('frontend', 'demo')).rules.map((r: { id: string }) => r.id),
      ['front/0'],
    );
  });

  test('phase Halted when a halt covers the whole scope; a partial halt is listed in status.halts and keeps the phase', async () => {
    const set = (await call('GET', '/v1/ruleset')).json();
    await call('POST', '/v1/dataplane/poll', {
      body: pollBody({ instance: 'front-2/vm', service: 'frontend', namespace: 'demo', epoch: set.epoch, version: set.version }),
    });
    await call('POST', '/v1/policies', { body: policy('anyone', { service: '*', namespace: 'demo' }) });
    await call('POST', '/v1/halt', { body: { reason: 'stop frontend', selector: { service: 'frontend', namespace: 'demo' } } });
    const front = (await call('GET', '/v1/policies/front')).json().status;
    assert.equal(front.phase, 'Halted');
    assert.deepEqual(
      front.halts.map((h: { reason: string; scope: string }) => [h.reason, h.scope]),
      [['stop frontend', 'whole']],
    );
    const anyone = (await call('GET', '/v1/policies/anyone')).json().status;
    assert.notEqual(anyone.phase, 'Halted', 'the halt covers only part of a policy for every service');
    assert.deepEqual(
      anyone.halts.map((h: { scope: string }) => h.scope),
      ['part'],
    );
    const back = (await call('GET', '/v1/policies/back')).json().status;
    assert.deepEqual(back.halts, []);
    assert.equal(await metric(call, 'hfi_control_plane_halt_active'), 1);
    assert.match((await call('GET', '/v1/metrics')).text, /hfi_control_plane_policies\{phase="Halted"\} 1/);
    const statuses = (await call('GET', '/v1/policies/status')).json().items;
    assert.equal(statuses.find((i: { name: string }) => i.name === 'front').phase, 'Halted');
    await call('DELETE', '/v1/halt');
    assert.equal(await metric(call, 'hfi_control_plane_halt_active'), 0);
    assert.notEqual((await call('GET', '/v1/policies/front')).json().status.phase, 'Halted');
  });

  test('bad halts and resumes are 400 naming the field; resuming a selector that is not halted is 404', async () => {
    const bad = await call('POST', '/v1/halt', { body: { selector: { service: 'Not A Name' }, reasons: 'typo' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().code, 'HFI_INVALID_REQUEST');
    assert.deepEqual(
      bad
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
      ['reasons', 'selector.service'],
    );
    const badQuery = await call('DELETE', '/v1/halt?namespace=Bad_NS');
    assert.equal(badQuery.status, 400);
    assert.equal(badQuery.json().details[0].path, 'namespace');
    const missing = await call('DELETE', '/v1/halt?service=nobody&namespace=demo');
    assert.equal(missing.status, 404);
    assert.equal(missing.json().code, 'HFI_NOT_FOUND');
  });
});

describe('halts need the admin token', () => {
  let app: FastifyInstance;
  let call: TestClient;
  before(async () => {
    const config = testConfig();
    config.auth = authWith({ admin: 'admin-secret', read: ['reader'] });
    app = await makeApp({ config });
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  test('halting and resuming take the admin token; a read token lists halts but may not halt', async () => {
    assert.equal((await call('POST', '/v1/halt')).status, 401);
    assert.equal((await call('POST', '/v1/halt', { headers: { authorization: 'Bearer reader' } })).status, 403);
    assert.equal((await call('DELETE', '/v1/halt', { headers: { authorization: 'Bearer reader' } })).status, 403);
    assert.equal((await call('GET', '/v1/halt', { headers: { authorization: 'Bearer reader' } })).status, 200);
    assert.equal((await call('POST', '/v1/halt', { headers: { authorization: 'Bearer admin-secret' } })).status, 201);
  });
});
