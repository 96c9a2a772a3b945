// Stop conditions on the memory store, against a fake source of workload figures: a condition holding stops
// its policy by itself (phase Halted with haltReason, its rules out of the rule set, one audit entry by
// "system"), and nothing else does; resume and a changed re-apply clear it; the default guard covers policies
// without stopWhen.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { waitFor } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import type { GuardCondition } from '../src/config/config.js';
import { injectClient, type TestClient } from './helpers/client.js';
import { FakeFigures } from './helpers/fake-figures.js';
import { makeApp, policy, T0, testConfig } from './helpers/fixtures.js';

const guarded = (name: string, stopWhen?: unknown[], extra: Record<string, unknown> = {}) => {
  const p = policy(name, { service: 'cart', percentage: 100 });
  return { ...p, spec: { ...(p.spec as object), ...(stopWhen ? { stopWhen } : {}), ...extra } };
};
const FRONTEND = { service: 'frontend', namespace: 'demo' };
const condition = { selector: FRONTEND, errorRateAbove: 5, minRequests: 50, window: '10s' };

describe('stop conditions (memory store, fake figures)', () => {
  let app: FastifyInstance;
  let call: TestClient;
  let figures: FakeFigures;
  const apps: FastifyInstance[] = [];
  const start = async (defaultGuard: GuardCondition[] = []) => {
    figures = new FakeFigures();
    app = await makeApp({ config: testConfig({ defaultGuard }), workloadFigures: figures, stopConditionIntervalMs: 10 });
    apps.push(app);
    await app.ready();
    call = injectClient(app);
  };
  beforeEach(() => start());
  after(async () => {
    for (const a of apps) await a.close();
  });

  const statusOf = async (name: string) => (await call('GET', `/v1/policies/${name}`)).json().status;
  const ruleIds = async () => (await call('GET', '/v1/ruleset')).json().rules.map((r: { id: string }) => r.id);
  /** A policy judged every round on a workload that never reports: its reads count the rounds. */
  const canary = () =>
    call('POST', '/v1/policies', {
      body: { ...guarded('canary', [{ selector: { service: 'nobody' }, errorRateAbove: 1 }]), metadata: { name: 'canary' } },
    });
  /** Lets the evaluator judge `rounds` more times. */
  const rounds = async (n: number) => {
    const target = figures.reads.length + n;
    await waitFor(async () => figures.reads.length >= target, { what: `${n} more reads` });
  };
  const trips = async (name: string) => (await call('GET', `/v1/audit?policy=${name}&kind=trip`)).json().items;

  test('a condition holding stops its policy: phase Halted, haltReason, its rules out of the rule set, one audit entry by system', async () => {
    assert.equal((await call('POST', '/v1/policies', { body: guarded('cart-abort', [condition]) })).status, 201);
    assert.equal((await call('POST', '/v1/policies', { body: policy('other', { service: 'cart', prefix: '/other' }) })).status, 201);
    await canary();
    figures.set(FRONTEND, { requests: 100, errors: 4, errorRatePercent: 4 });
    await rounds(3);
    assert.notEqual((await statusOf('cart-abort')).phase, 'Halted', 'below the threshold');
    figures.set(FRONTEND, { requests: 49, errors: 49, errorRatePercent: 100 });
    await rounds(3);
    assert.notEqual((await statusOf('cart-abort')).phase, 'Halted', 'too few requests');
    assert.deepEqual(new Set(figures.reads), new Set(['frontend/demo@10000', 'nobody/*@30000']), 'each guarded workload over its window');

    figures.set(FRONTEND, { requests: 120, errors: 12, errorRatePercent: 10, p99Ms: 40, dataPlanes: 2 });
    await waitFor(async () => (await statusOf('cart-abort')).phase === 'Halted', { what: 'the policy halted by itself' });
    const status = await statusOf('cart-abort');
    assert.deepEqual(status.haltReason, {
      source: 'stopWhen',
      conditionIndex: 0,
      condition: { selector: FRONTEND, errorRateAbove: 5, windowMs: 10_000, minRequests: 50 },
      observed: { requests: 120, errors: 12, errorRatePercent: 10, p99Ms: 40, dataPlanes: 2 },
      at: new Date(T0).toISOString(),
    });
    assert.deepEqual(status.halts, [], 'no halt: the policy stopped itself');
    assert.deepEqual(await ruleIds(), ['canary/0', 'other/0'], "its rules left the rule set; the others' stay");
    assert.equal((await statusOf('other')).phase === 'Halted', false);
    await rounds(5); // it goes on holding: nothing more is written
    const entries = await trips('cart-abort');
    assert.equal(entries.length, 1);
    assert.equal(entries[0].actor, 'system');
    assert.deepEqual(entries[0].after.reason, status.haltReason);
    assert.equal(entries[0].before, null);
    const metrics = (await call('GET', '/v1/metrics')).text;
    assert.match(metrics, /hfi_control_plane_stop_condition_trips_total\{source="stopWhen"\} 1/);
  });

  test('p99 latency above its threshold stops it too; the first condition that holds is the one reported', async () => {
    const slow = { selector: { service: 'cart' }, p99LatencyAbove: '800ms' };
    await call('POST', '/v1/policies', { body: guarded('cart-slow', [condition, slow]) });
    figures.set({ service: 'cart' }, { requests: 30, p99Ms: 950 });
    await waitFor(async () => (await statusOf('cart-slow')).phase === 'Halted', { what: 'halted on p99' });
    const reason = (await statusOf('cart-slow')).haltReason;
    assert.equal(reason.conditionIndex, 1);
    assert.deepEqual(reason.condition, {
      selector: { service: 'cart', namespace: '*' },
      p99LatencyAboveMs: 800,
      windowMs: 30_000,
      minRequests: 20,
    });
    assert.equal(reason.observed.p99Ms, 950);
  });

  test('resume brings its rules back (audited with the caller); a policy not stopped is 404; a changed re-apply clears a trip, an unchanged one does not', async () => {
    assert.equal((await call('POST', '/v1/policies/none/resume')).status, 404);
    await call('POST', '/v1/policies', { body: guarded('cart-abort', [condition]) });
    const notStopped = await call('POST', '/v1/policies/cart-abort/resume');
    assert.equal(notStopped.status, 404);
    assert.equal(notStopped.json().code, 'HFI_NOT_FOUND');
    figures.set(FRONTEND, { requests: 100, errorRatePercent: 50 });
    await waitFor(async () => (await statusOf('cart-abort')).phase === 'Halted', { what: 'halted' });
    figures.set(FRONTEND, { requests: 100, errorRatePercent: 0 }); // healthy again: resuming lets it run
    const resumed = await call('POST', '/v1/policies/cart-abort/resume');
    assert.equal(resumed.status, 200);
    assert.equal(resumed.json().status.haltReason, undefined);
    assert.notEqual(resumed.json().status.phase, 'Halted');
    assert.deepEqual(await ruleIds(), ['cart-abort/0']);
    const [resume] = (await call('GET', '/v1/audit?policy=cart-abort&kind=resume')).json().items;
    assert.equal(resume.actor, 'anonymous');
    assert.equal(resume.before.policy, 'cart-abort');
    assert.equal(resume.after, null);

    figures.set(FRONTEND, { requests: 100, errorRatePercent: 50 });
    await waitFor(async () => (await statusOf('cart-abort')).phase === 'Halted', { what: 'halted again' });
    assert.equal((await trips('cart-abort')).length, 2, 'a new trip after the resume');
    const same = await call('POST', '/v1/policies', { body: guarded('cart-abort', [condition]) });
    assert.equal(same.headers['hfi-result'], 'unchanged');
    assert.equal((await statusOf('cart-abort')).phase, 'Halted', 'an unchanged re-apply writes nothing: still stopped');
    figures.set(FRONTEND, { requests: 100, errorRatePercent: 0 });
    const changed = await call('POST', '/v1/policies', { body: guarded('cart-abort', [{ ...condition, errorRateAbove: 20 }]) });
    assert.equal(changed.headers['hfi-result'], 'configured');
    assert.notEqual((await statusOf('cart-abort')).phase, 'Halted', 'the new version is not stopped by the old trip');
    assert.deepEqual(await ruleIds(), ['cart-abort/0']);
  });

  test('a deleted policy takes its trip along: created again, it runs', async () => {
    await call('POST', '/v1/policies', { body: guarded('cart-abort', [condition]) });
    figures.set(FRONTEND, { requests: 100, errorRatePercent: 50 });
    await waitFor(async () => (await statusOf('cart-abort')).phase === 'Halted', { what: 'halted' });
    figures.set(FRONTEND, { requests: 100, errorRatePercent: 0 });
    await call('DELETE', '/v1/policies/cart-abort');
    await call('POST', '/v1/policies', { body: guarded('cart-abort', [condition]) });
    assert.notEqual((await statusOf('cart-abort')).phase, 'Halted');
  });

  test('dry runs, expired and wholly halted policies are not judged: there is nothing of theirs to stop', async () => {
    figures.set(FRONTEND, { requests: 100, errorRatePercent: 50 });
    await call('POST', '/v1/policies', { body: guarded('rehearsal', [condition], { dryRun: true }) });
    await call('POST', '/v1/halt', { body: { selector: { service: 'cart', namespace: 'demo' } } });
    await call('POST', '/v1/policies', { body: guarded('halted', [condition]) });
    await call('POST', '/v1/policies', {
      body: {
        ...guarded('canary', [condition]),
        metadata: { name: 'canary' },
        spec: {
          ...guarded('canary', [condition]).spec,
          selector: { service: 'elsewhere', namespace: 'demo' },
          stopWhen: [{ selector: { service: 'nobody' }, errorRateAbove: 1 }],
        },
      },
    });
    await rounds(5);
    assert.equal((await statusOf('rehearsal')).haltReason, undefined);
    assert.equal((await statusOf('halted')).haltReason, undefined);
    assert.deepEqual((await call('GET', '/v1/audit?kind=trip')).json().items, []);
  });

  test('the default guard stops policies without stopWhen (guarding their own workload when it names none); a policy with stopWhen uses its own only', async () => {
    await start([
      {
        condition: { selector: { service: '*', namespace: '*' }, errorRateAbove: 30, windowMs: 30_000, minRequests: 20 },
        policySelector: true,
      },
    ]);
    await call('POST', '/v1/policies', { body: guarded('unguarded') });
    await call('POST', '/v1/policies', { body: { ...guarded('own-guard', [condition]), metadata: { name: 'own-guard' } } });
    await canary();
    figures.set({ service: 'cart', namespace: 'demo' }, { requests: 40, errorRatePercent: 35 });
    await waitFor(async () => (await statusOf('unguarded')).phase === 'Halted', { what: 'the default guard tripped' });
    const reason = (await statusOf('unguarded')).haltReason;
    assert.equal(reason.source, 'defaultGuard');
    assert.deepEqual(reason.condition.selector, { service: 'cart', namespace: 'demo' }, "the policy's own workload");
    await rounds(5);
    assert.notEqual((await statusOf('own-guard')).phase, 'Halted', 'its own condition (frontend) does not hold');
  });
});
