// Every endpoint, once through app.inject() and once over real HTTP on loopback.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expandRuleSet } from '@hfi/policy';
import { waitFor } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import { httpClient, injectClient, listen, type TestClient } from './helpers/client.js';
import { ManualClock, makeApp, policy, pollBody } from './helpers/fixtures.js';

for (const mode of ['inject', 'http'] as const) {
  describe(`API over ${mode}`, () => {
    let app: FastifyInstance;
    let call: TestClient;
    const clock = new ManualClock();
    before(async () => {
      app = await makeApp({ clock });
      if (mode === 'inject') {
        await app.ready();
        call = injectClient(app);
      } else {
        call = httpClient(await listen(app));
      }
    });
    after(() => app.close());

    test('health, liveness and readiness', async () => {
      for (const url of ['/v1/health', '/health']) {
        const r = await call('GET', url);
        assert.equal(r.status, 200);
        assert.deepEqual(r.json(), { status: 'ok', version: '0.1.0-test' });
      }
      const ready = await call('GET', '/ready');
      assert.equal(ready.status, 200);
      assert.equal(ready.json().status, 'ready');
    });

    test('POST creates (201), re-POST is unchanged (200), a change is configured (200)', async () => {
      const created = await call('POST', '/v1/policies', { body: policy('api-delay') });
      assert.equal(created.status, 201);
      assert.equal(created.headers['hfi-result'], 'created');
      const body = created.json();
      assert.equal(body.metadata.name, 'api-delay');
      assert.match(body.metadata.version, /^\d+$/);
      assert.equal(body.status.phase, 'Pending');
      assert.equal(body.spec.selector.service, 'frontend');

      const same = await call('POST', '/v1/policies', { body: policy('api-delay') });
      assert.equal(same.status, 200);
      assert.equal(same.headers['hfi-result'], 'unchanged');
      assert.equal(same.json().metadata.version, body.metadata.version);

      const changed = await call('POST', '/v1/policies', { body: policy('api-delay', { percentage: 75 }) });
      assert.equal(changed.status, 200);
      assert.equal(changed.headers['hfi-result'], 'configured');
      assert.ok(Number(changed.json().metadata.version) > Number(body.metadata.version));
    });

    test('YAML bodies in every accepted content type', async () => {
      const yaml = (name: string) =>
        `apiVersion: v1\nkind: FaultInjectionPolicy\nmetadata:\n  name: ${name}\nspec:\n  selector: {service: cart, namespace: shop}\n  rules:\n    - fault: {percentage: 5, abort: {httpStatus: 503}}\n`;
      for (const [i, type] of ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/yaml; charset=utf-8'].entries()) {
        const r = await call('POST', '/v1/policies', { body: yaml(`yaml-${i}`), contentType: type });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json().spec.rules[0].fault.abort.httpStatus, 503);
      }
    });

    test('optimistic concurrency: a stale or create-time version is 409', async () => {
      const v = (await call('POST', '/v1/policies', { body: policy('occ') })).json().metadata.version;
      const ok = await call('POST', '/v1/policies', { body: policy('occ', { version: v, percentage: 9 }) });
      assert.equal(ok.status, 200);
      const stale = await call('POST', '/v1/policies', { body: policy('occ', { version: v, percentage: 8 }) });
      assert.equal(stale.status, 409);
      assert.equal(stale.json().code, 'HFI_VERSION_CONFLICT');
      assert.equal(stale.json().details[0].path, 'metadata.version');
      const onCreate = await call('POST', '/v1/policies', { body: policy('occ-new', { version: '3' }) });
      assert.equal(onCreate.status, 409);
      assert.equal((await call('GET', '/v1/policies/occ-new')).status, 404);
    });

    test('dryRun validates and reports without storing', async () => {
      const create = await call('POST', '/v1/policies?dryRun=true', { body: policy('dry') });
      assert.equal(create.status, 200);
      assert.equal(create.headers['hfi-result'], 'created');
      assert.equal((await call('GET', '/v1/policies/dry')).status, 404);
      await call('POST', '/v1/policies', { body: policy('dry') });
      const before = (await call('GET', '/v1/policies/dry')).json().metadata.version;
      const configure = await call('POST', '/v1/policies?dryRun=true', { body: policy('dry', { percentage: 1 }) });
      assert.equal(configure.headers['hfi-result'], 'configured');
      assert.equal((await call('GET', '/v1/policies/dry')).json().metadata.version, before);
      assert.equal((await call('GET', '/v1/policies/dry')).json().spec.rules[0].fault.percentage, 50);
      const unchanged = await call('POST', '/v1/policies?dryRun=true', { body: policy('dry') });
      assert.equal(unchanged.headers['hfi-result'], 'unchanged');
      const stale = await call('POST', '/v1/policies?dryRun=true', { body: policy('dry', { version: '999999', percentage: 2 }) });
      assert.equal(stale.status, 409);
      const invalid = await call('POST', '/v1/policies?dryRun=true', { body: { ...policy('dry'), spec: {} } });
      assert.equal(invalid.status, 400);
    });

    test('GET list is sorted with status; GET one; DELETE returns it then 404', async () => {
      await call('POST', '/v1/policies', { body: policy('zz-last') });
      await call('POST', '/v1/policies', { body: policy('aa-first') });
      const list = await call('GET', '/v1/policies');
      assert.equal(list.status, 200);
      const names = list.json().items.map((p: any) => p.metadata.name);
      assert.deepEqual(names, [...names].sort());
      assert.ok(names.includes('aa-first') && names.includes('zz-last'));
      for (const item of list.json().items) assert.ok(['Pending', 'Active', 'Expired'].includes(item.status.phase));

      const one = await call('GET', '/v1/policies/aa-first');
      assert.equal(one.status, 200);
      assert.equal(one.json().metadata.name, 'aa-first');

      const deleted = await call('DELETE', '/v1/policies/aa-first');
      assert.equal(deleted.status, 200);
      assert.equal(deleted.json().metadata.name, 'aa-first');
      const again = await call('DELETE', '/v1/policies/aa-first');
      assert.equal(again.status, 404);
      assert.equal(again.json().code, 'HFI_NOT_FOUND');
      assert.equal((await call('GET', '/v1/policies/aa-first')).status, 404);
    });

    test('ruleset: whole, and the subset for an identity', async () => {
      await call('POST', '/v1/policies', { body: policy('for-cart', { service: 'cart', namespace: 'shop' }) });
      const whole = (await call('GET', '/v1/ruleset')).json();
      assert.equal(whole.wireVersion, 1);
      assert.ok(whole.rules.some((r: any) => r.policy === 'for-cart'));
      const subset = await call('GET', '/v1/ruleset?service=frontend&namespace=demo');
      assert.equal(subset.status, 200);
      assert.equal(subset.json().version, whole.version);
      assert.ok(!subset.json().rules.some((r: any) => r.policy === 'for-cart'));
      assert.ok(subset.json().rules.every((r: any) => ['frontend', '*'].includes(r.selector.service)));
    });

    test("ruleset and poll: ?wireVersion= and a poll's wireVersion choose the form (5: compact; default for tools: the rule form)", async () => {
      const rules = (await call('GET', '/v1/ruleset?service=frontend&namespace=demo')).json();
      const compact = await call('GET', '/v1/ruleset?service=frontend&namespace=demo&wireVersion=5');
      assert.equal(compact.status, 200);
      assert.equal(compact.json().wireVersion, 5);
      assert.deepEqual(expandRuleSet(compact.json()), rules);
      const polled = await call('POST', '/v1/dataplane/poll', { body: pollBody({ instance: `${mode}-v5`, wireVersion: 5 }) });
      assert.equal(polled.status, 200);
      assert.deepEqual(polled.json(), compact.json(), 'a version-5 plugin gets the compact form');
      const old = await call('POST', '/v1/dataplane/poll', { body: pollBody({ instance: `${mode}-v4`, wireVersion: 4 }) });
      assert.deepEqual(old.json(), rules, 'a version-4 plugin gets the rule form');
      assert.equal((await call('GET', '/v1/ruleset?wireVersion=0')).status, 400);
    });

    test('poll: newer set at once, 304 when current, registry and status follow', async () => {
      const first = await call('POST', '/v1/dataplane/poll', {
        body: pollBody({ instance: `${mode}-a`, counters: { aborts: 0, delays: 4, rules: { 'api-delay/0': { aborts: 0, delays: 4 } } } }),
      });
      assert.equal(first.status, 200);
      assert.match(first.headers['content-type']!, /application\/json/);
      const set = first.json();
      const current = await call('POST', '/v1/dataplane/poll', {
        body: pollBody({ instance: `${mode}-a`, epoch: set.epoch, version: set.version, holdMs: 0 }),
      });
      assert.equal(current.status, 304);
      assert.equal(current.text, '');

      const planes = (await call('GET', '/v1/dataplanes')).json().items;
      const me = planes.find((p: any) => p.instance === `${mode}-a`);
      assert.equal(me.version, set.version);
      assert.equal(me.epoch, set.epoch);
      assert.equal(me.identity.service, 'frontend');
      assert.equal(me.connected, false);
      assert.equal(me.lastSeen, new Date(clock.now()).toISOString());

      const status = (await call('GET', '/v1/policies/status')).json().items;
      const apiDelay = status.find((s: any) => s.name === 'api-delay');
      assert.equal(apiDelay.phase, 'Active');
      assert.ok(apiDelay.targetedDataPlanes >= 1);
      assert.ok(apiDelay.appliedDataPlanes >= 1);
      const forCart = status.find((s: any) => s.name === 'for-cart');
      assert.equal(forCart.phase, 'Pending');
      assert.equal(forCart.targetedDataPlanes, 0);
    });

    test('held poll is answered by a write', async () => {
      const set = (await call('GET', '/v1/ruleset')).json();
      const held = call('POST', '/v1/dataplane/poll', {
        body: pollBody({ instance: `${mode}-held`, epoch: set.epoch, version: set.version, holdMs: 20_000 }),
      });
      await waitFor(
        async () => (await call('GET', '/v1/dataplanes')).json().items.find((p: any) => p.instance === `${mode}-held`)?.connected === true,
        { what: 'the data plane to show as connected while its poll is held' },
      );
      await call('POST', '/v1/policies', { body: policy('wakes-poll') });
      const answer = await held;
      assert.equal(answer.status, 200);
      assert.ok(answer.json().version > set.version);
      assert.ok(answer.json().rules.some((r: any) => r.policy === 'wakes-poll'));
    });

    test('metrics in Prometheus text with the hfi_control_plane_ prefix', async () => {
      const r = await call('GET', '/v1/metrics');
      assert.equal(r.status, 200);
      assert.match(r.headers['content-type']!, /text\/plain/);
      for (const name of [
        'hfi_control_plane_http_requests_total',
        'hfi_control_plane_http_request_duration_seconds_bucket',
        'hfi_control_plane_policies{phase="Active"}',
        'hfi_control_plane_ruleset_version',
        'hfi_control_plane_dataplanes_connected',
        'hfi_control_plane_longpolls_held',
        'hfi_control_plane_propagation_delay_seconds_bucket',
        'hfi_control_plane_store_errors_total',
      ]) {
        assert.ok(r.text.includes(name), `missing ${name}`);
      }
      assert.match(r.text, /hfi_control_plane_http_requests_total\{route="\/v1\/policies",method="POST",status="201"\} \d+/);
    });

    test('unknown routes are JSON 404', async () => {
      const r = await call('GET', '/v1/nothing-here');
      assert.equal(r.status, 404);
      assert.equal(r.json().code, 'HFI_NOT_FOUND');
      assert.ok(Array.isArray(r.json().details));
    });
  });
}
