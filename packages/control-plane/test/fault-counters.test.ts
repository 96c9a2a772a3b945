// Fault counters: deltas acknowledged by any answer, counted once per seq, summed per policy; and counters
// the server cannot use never cost a data plane its rule set.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { API_LIMITS } from '@hfi/api';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { ManualClock, makeApp, policy, pollBody } from './helpers/fixtures.js';

describe('fault counters', () => {
  let app: FastifyInstance;
  let call: TestClient;
  let logged = '';
  const clock = new ManualClock();
  before(async () => {
    const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
    app = await makeApp({ clock, logger: pino({ level: 'warn' }, sink), dataPlaneForgetAfterMs: 60_000 });
    call = httpClient(await listen(app));
    await call('POST', '/v1/policies', { body: policy('counted') });
    await call('POST', '/v1/policies', { body: policy('other') });
  });
  after(() => app.close());

  const poll = (instance: string, counters: unknown) => call('POST', '/v1/dataplane/poll', { body: pollBody({ instance, counters }) });
  const faultsOf = async (name: string) => (await call('GET', `/v1/policies/${name}`)).json().status.faults;
  const delta = (seq: number, aborts: number, rules: Record<string, { aborts: number; delays: number }>) => ({
    seq,
    aborts,
    delays: 0,
    rules,
  });
  const dropped = async (reason: string) => {
    const m = new RegExp(`hfi_control_plane_dataplane_counters_dropped_total\\{reason="${reason}"\\} (\\d+)`).exec(
      (await call('GET', '/v1/metrics')).text,
    );
    return Number(m?.[1] ?? 0);
  };

  test('deltas add up per policy; a resent seq (its answer was lost) is counted once', async () => {
    assert.equal((await poll('pod-a/vm1', delta(1, 2, { 'counted/0': { aborts: 2, delays: 0 } }))).status, 200);
    await poll('pod-a/vm1', delta(1, 2, { 'counted/0': { aborts: 2, delays: 0 } }));
    await poll('pod-a/vm1', delta(2, 1, { 'counted/0': { aborts: 1, delays: 0 } }));
    await poll('pod-b/vm1', delta(1, 4, { 'counted/0': { aborts: 3, delays: 0 }, 'other/0': { aborts: 1, delays: 0 } }));
    assert.deepEqual(await faultsOf('counted'), { aborts: 6, delays: 0 });
    assert.deepEqual(await faultsOf('other'), { aborts: 1, delays: 0 });
    const planes = (await call('GET', '/v1/dataplanes')).json().items;
    assert.deepEqual(planes.find((p: { instance: string }) => p.instance === 'pod-a/vm1').counters, { aborts: 3, delays: 0 });
  });

  test("per-rule counts: each rule index of the policy's spec, summed over data planes; ids without an index count in the total only", async () => {
    const twoRules = policy('two-rules');
    const spec = twoRules.spec as { rules: unknown[] };
    spec.rules.push({ fault: { percentage: 100, abort: { httpStatus: 503 } } });
    await call('POST', '/v1/policies', { body: twoRules });
    await poll('pod-r/vm1', delta(1, 3, { 'two-rules/1': { aborts: 3, delays: 0 }, 'two-rules/0': { aborts: 0, delays: 2 } }));
    await poll('pod-r/vm2', delta(1, 2, { 'two-rules/1': { aborts: 1, delays: 0 }, 'two-rules/x': { aborts: 1, delays: 0 } }));
    const status = (await call('GET', '/v1/policies/two-rules')).json().status;
    assert.deepEqual(status.faults, { aborts: 5, delays: 2 });
    assert.deepEqual(status.ruleFaults, [
      { aborts: 0, delays: 2 },
      { aborts: 4, delays: 0 },
    ]);
    const listed = (await call('GET', '/v1/policies'))
      .json()
      .items.find((p: { metadata: { name: string } }) => p.metadata.name === 'counted');
    assert.deepEqual(listed.status.ruleFaults, [listed.status.faults], 'a one-rule policy: its rule has every fault');
    await call('DELETE', '/v1/policies/two-rules');
  });

  test('would-inject counts of a dry run: status.wouldInject and ruleWouldInject per rule, the faults untouched, /v1/policies/status lists it', async () => {
    const dry = policy('rehearsal');
    const spec = dry.spec as { rules: unknown[]; dryRun?: boolean };
    spec.dryRun = true;
    spec.rules.push({ fault: { percentage: 100, abort: { httpStatus: 503 } } });
    await call('POST', '/v1/policies', { body: dry });
    const rules = { 'rehearsal/0': { aborts: 0, delays: 0, wouldInject: 4 }, 'rehearsal/1': { aborts: 0, delays: 0, wouldInject: 1 } };
    await poll('pod-w/vm1', { seq: 1, aborts: 0, delays: 0, wouldInject: 5, rules });
    await poll('pod-w/vm1', { seq: 1, aborts: 0, delays: 0, wouldInject: 5, rules }); // resent: counted once
    await poll('pod-w/vm2', { seq: 1, wouldInject: 2, rules: { 'rehearsal/1': { wouldInject: 2 } } });
    const got = (await call('GET', '/v1/policies/rehearsal')).json();
    assert.equal(got.spec.dryRun, true);
    assert.equal(got.status.wouldInject, 7);
    assert.deepEqual(got.status.ruleWouldInject, [4, 3]);
    assert.deepEqual(got.status.faults, { aborts: 0, delays: 0 });
    const item = (await call('GET', '/v1/policies/status')).json().items.find((i: { name: string }) => i.name === 'rehearsal');
    assert.equal(item.wouldInject, 7);
    assert.equal((await call('GET', '/v1/policies/counted')).json().status.wouldInject, 0, 'a policy never run dry');
    await call('DELETE', '/v1/policies/rehearsal');
  });

  test('totals stay when instances are forgotten or restart (a new instance starts its seq again)', async () => {
    const before = await faultsOf('counted');
    clock.advance(61_000);
    await poll('pod-a/vm2', delta(1, 5, { 'counted/0': { aborts: 5, delays: 0 } }));
    assert.equal((await call('GET', '/v1/dataplanes')).json().items.length, 1, 'the others were forgotten');
    assert.deepEqual(await faultsOf('counted'), { aborts: before.aborts + 5, delays: 0 });
  });

  test("a deleted policy's totals go with it; deltas for policies that do not exist are not kept", async () => {
    await call('POST', '/v1/policies', { body: policy('brief') });
    await poll('pod-c/vm1', delta(1, 1, { 'brief/0': { aborts: 1, delays: 0 }, 'never-existed/0': { aborts: 9, delays: 0 } }));
    assert.deepEqual(await faultsOf('brief'), { aborts: 1, delays: 0 });
    await call('DELETE', '/v1/policies/brief');
    await call('POST', '/v1/policies', { body: policy('brief') });
    assert.deepEqual(await faultsOf('brief'), { aborts: 0, delays: 0 }, 'a new policy of the same name starts from zero');
  });

  test('counters the server cannot use are dropped and counted; the poll is answered; one log line per instance', async () => {
    const MAX_COUNTED_RULES = API_LIMITS.countedRulesPerPoll;
    const tooMany = Object.fromEntries(Array.from({ length: MAX_COUNTED_RULES + 5 }, (_, i) => [`counted/${i}`, { aborts: 1, delays: 0 }]));
    const before = await faultsOf('counted');
    for (let i = 1; i <= 3; i++) {
      const r = await poll('busy/vm1', { seq: i, aborts: MAX_COUNTED_RULES + 5, delays: 0, rules: tooMany });
      assert.equal(r.status, 200, 'answered with the rule set');
      assert.ok(Array.isArray(r.json().rules));
    }
    assert.equal(await dropped('too_many_rules'), 3);
    assert.deepEqual(
      await faultsOf('counted'),
      { aborts: before.aborts + 3 * MAX_COUNTED_RULES, delays: 0 },
      'the first rules are counted',
    );

    for (const counters of ['lots', { seq: -1 }, { seq: 1, rules: [] }, { seq: 4, rules: { 'counted/0': { aborts: -2 } } }]) {
      assert.equal((await poll('odd/vm1', counters)).status, 200);
    }
    assert.equal(await dropped('malformed'), 4);
    assert.equal((await poll('old/vm1', { aborts: 1, delays: 0, rules: {} })).status, 200);
    assert.equal(await dropped('no_seq'), 1);
    const lines = logged.split('\n').filter((l) => l.includes('fault counters of a data plane dropped'));
    assert.deepEqual(lines.map((l) => JSON.parse(l).instance).sort(), ['busy/vm1', 'odd/vm1', 'old/vm1']);
  });
});
