// Schedules in the control plane: windows are compiled from the clock's step, and republished (with a version
// above the last) when the clock enters the next step, so data planes always hold a horizon ahead; the status
// of a scheduled policy says whether a window is open and when the next starts.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CompiledRuleSet, LIMITS, type StoredPolicy, validatePolicy, WIRE_VERSION } from '@hfi/policy';
import { waitFor } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import { RuleSetHub } from '../src/distribution/hub.js';
import { LongPolls, type PollAnswer } from '../src/distribution/long-poll.js';
import { stampPolicy } from '../src/store/stamp.js';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { ManualClock, makeApp, policy, pollBody, T0, testConfig } from './helpers/fixtures.js';

const MINUTE = 60_000;
const EVERY_TEN = { cron: '*/10 * * * *', activeFor: '2m' };

function stored(name: string, version: number, schedule?: unknown): StoredPolicy {
  const input = policy(name) as { spec: Record<string, unknown> };
  const result = validatePolicy(schedule ? { ...input, spec: { ...input.spec, schedule } } : input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const at = new Date(T0).toISOString();
  return stampPolicy(result.policy, { version: String(version), createdAt: at, updatedAt: at });
}

function hubWith(clock: ManualClock, policies: StoredPolicy[]): { hub: RuleSetHub; published: CompiledRuleSet[] } {
  const hub = new RuleSetHub({ clock });
  const published: CompiledRuleSet[] = [];
  hub.subscribe((set) => published.push(set));
  hub.apply({ kind: 'reset', epoch: 'e1', revision: 3, policies, halts: [] });
  hub.flush();
  return { hub, published };
}

describe('schedule republishing (fake clock)', () => {
  test('windows start from the current step; entering the next step republishes them, one version up', () => {
    const clock = new ManualClock(T0 + 5 * MINUTE);
    const { hub, published } = hubWith(clock, [stored('game-day', 3, EVERY_TEN)]);
    const first = published.at(-1)!;
    const count = published.length;
    assert.equal(first.version, 3);
    assert.deepEqual(first.rules[0]!.windows![0], [T0, T0 + 2 * MINUTE], 'from the 12:00 step (the write)');
    clock.advance(LIMITS.scheduleStepMs - 10 * MINUTE);
    hub.refreshSchedules();
    hub.flush();
    assert.equal(published.length, count, 'no step change yet: nothing republished');
    clock.advance(10 * MINUTE);
    hub.refreshSchedules();
    hub.flush();
    const next = published.at(-1)!;
    assert.equal(published.length, count + 1);
    assert.equal(next.version, 4, 'one above the last version, though the store is still at revision 3');
    assert.deepEqual(next.rules[0]!.windows![0], [T0 + LIMITS.scheduleStepMs, T0 + LIMITS.scheduleStepMs + 2 * MINUTE]);
    assert.ok(next.rules[0]!.windows!.at(-1)![0] > first.rules[0]!.windows!.at(-1)![0], 'the horizon moved on');
    // The next store change stays above the republished version.
    hub.apply({ kind: 'put', revision: 4, policy: stored('other', 4) });
    hub.flush();
    assert.equal(published.at(-1)!.version, 5);
    assert.ok(published.at(-1)!.rules.some((rule) => rule.policy === 'other'));
  });

  test('a set without schedules is not republished when the step moves, and keeps the store revision', () => {
    const clock = new ManualClock(T0);
    const { hub, published } = hubWith(clock, [stored('plain', 3)]);
    const count = published.length;
    clock.advance(LIMITS.scheduleStepMs);
    hub.refreshSchedules();
    hub.flush();
    assert.equal(published.length, count);
    hub.apply({ kind: 'put', revision: 9, policy: stored('plain', 9) });
    hub.flush();
    assert.equal(published.at(-1)!.version, 9);
  });

  test('a poll held at the last version is answered with the republished windows', async () => {
    const clock = new ManualClock(T0);
    const { hub } = hubWith(clock, [stored('game-day', 3, EVERY_TEN)]);
    const polls = new LongPolls(hub);
    const answers: PollAnswer[] = [];
    polls.answer(
      {
        identity: { service: 'frontend', namespace: 'demo' },
        wireVersion: WIRE_VERSION,
        held: { epoch: 'e1', version: 3 },
        holdMs: 30_000,
      },
      (a) => answers.push(a),
    );
    assert.equal(answers.length, 0, 'held');
    clock.advance(LIMITS.scheduleStepMs);
    hub.refreshSchedules();
    hub.flush();
    assert.equal(answers.length, 1);
    const answer = answers[0]!;
    assert.equal(answer.kind, 'ruleset');
    if (answer.kind === 'ruleset') assert.equal(answer.served.ruleSet.version, 4);
    polls.releaseAll();
  });
});

describe('schedule status and the sweep (app, fake clock)', () => {
  let app: FastifyInstance;
  let call: TestClient;
  // 00:05 UTC: the every-ten-minutes window of 2 minutes is closed until 00:10.
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 5, 0));
  before(async () => {
    app = await makeApp({ clock, config: testConfig({ autoExpireCheckIntervalMs: 20 }) });
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  test('between windows the phase is Scheduled with nextWindowAt; in a window Active; the sweep republishes at the next step', async () => {
    const body = policy('game-day') as { spec: Record<string, unknown> };
    await call('POST', '/v1/policies', { body: { ...body, spec: { ...body.spec, schedule: EVERY_TEN } } });
    const set = (await call('GET', '/v1/ruleset')).json();
    // A plugin that speaks wire version 2 holds the set (and polls again, or it is forgotten).
    const hold = () =>
      call('POST', '/v1/dataplane/poll', { body: { ...pollBody({ epoch: set.epoch, version: set.version, holdMs: 0 }), wireVersion: 2 } });
    await hold();
    let status = (await call('GET', '/v1/policies/game-day')).json().status;
    assert.equal(status.phase, 'Scheduled');
    assert.equal(status.nextWindowAt, '2026-01-01T12:10:00.000Z');
    clock.advance(5 * MINUTE + 30_000);
    await hold();
    status = (await call('GET', '/v1/policies/game-day')).json().status;
    assert.equal(status.phase, 'Active');
    assert.equal(status.nextWindowAt, '2026-01-01T12:20:00.000Z');
    clock.advance(LIMITS.scheduleStepMs);
    await waitFor(async () => (await call('GET', '/v1/ruleset')).json().version > set.version, {
      what: 'the sweep to republish the moved horizon',
    });
    const moved = (await call('GET', '/v1/ruleset')).json();
    assert.equal(moved.rules[0].windows[0][0], Date.UTC(2026, 0, 1, 13, 0, 0), 'compiled from the 13:00 step');
  });
});
