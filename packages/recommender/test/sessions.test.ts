// Sessions: saved after every trial, resumed exactly, refused when corrupt; failures leave no policy behind.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FaultInjectionPolicy } from '@hfi/policy';
import type { RecommenderError } from '../src/errors.js';
import { SessionStore } from '../src/sessions/store.js';
import { SimulatedExecutor } from '../src/simulate/executor.js';
import { runSession } from '../src/trials/runner.js';
import { newSession, stateDir, trialsWithoutTimes } from './support/sessions.js';
import { meshSpace, meshSpaceWith } from './support/spaces.js';

const { space, document } = meshSpace();
let clock = Date.UTC(2026, 5, 1);
const now = () => (clock += 1000);

test('a session resumed after 4 of 8 trials makes the same 8 trials as one run straight through', async () => {
  const store = new SessionStore(stateDir());
  const straight = newSession(document, { id: 'straight-1' });
  await runSession(straight, space, { executor: new SimulatedExecutor({ seed: 4 }), store, now });

  const interrupted = newSession(document, { id: 'interrupted-1', budget: 4 });
  await runSession(interrupted, space, { executor: new SimulatedExecutor({ seed: 4 }), store, now });
  const loaded = await store.load('interrupted-1');
  assert.equal(loaded.session.trials.length, 4);
  loaded.session.budget = 8;
  // A new executor, as after a restart of the process.
  const resumed = await runSession(loaded.session, loaded.space, { executor: new SimulatedExecutor({ seed: 4 }), store, now });
  assert.equal(resumed.state, 'completed');
  assert.deepEqual(trialsWithoutTimes(resumed), trialsWithoutTimes(straight));
});

test('the state file is rewritten after every trial, with each trial numbered from 1', async () => {
  const store = new SessionStore(stateDir());
  const counts: number[] = [];
  const session = newSession(document, { id: 'saved-1', budget: 3 });
  await runSession(session, space, {
    executor: new SimulatedExecutor({ seed: 1 }),
    store,
    now,
    onTrial: () => counts.push((JSON.parse(readFileSync(store.pathOf('saved-1'), 'utf8')) as { trials: unknown[] }).trials.length),
  });
  assert.deepEqual(counts, [1, 2, 3]);
  assert.deepEqual(
    session.trials.map((t) => [t.trial, t.policy.metadata.name]),
    [
      [1, 'saved-1-t1'],
      [2, 'saved-1-t2'],
      [3, 'saved-1-t3'],
    ],
  );
});

test('a corrupt state file is a clear error naming the file and the problem', async () => {
  const store = new SessionStore(stateDir());
  writeFileSync(store.pathOf('broken-1'), '{"format": 1, "id": "broken-1", "trials": [');
  await assert.rejects(store.load('broken-1'), (error: RecommenderError) => {
    assert.match(error.message, /^state file .*broken-1\.json is corrupt: not JSON/);
    return true;
  });
  const good = newSession(document, { id: 'edited-1', budget: 2 });
  await runSession(good, space, { executor: new SimulatedExecutor({ seed: 1 }), store, now });
  const saved = JSON.parse(readFileSync(store.pathOf('edited-1'), 'utf8'));
  saved.trials[1].candidate.percentage = 250;
  writeFileSync(store.pathOf('edited-1'), JSON.stringify(saved));
  await assert.rejects(store.load('edited-1'), (error: RecommenderError) => {
    assert.match(error.message, /trials\[1\]\.candidate does not fit the space/);
    assert.deepEqual(error.details, ['percentage: 250 is outside 10..100']);
    return true;
  });
  await assert.rejects(store.load('missing-1'), (error: RecommenderError) => error.exitCode === 3);
});

/** The simulated mesh with the control plane going down at the given step of a given trial. */
class FailingExecutor extends SimulatedExecutor {
  readonly applied: string[] = [];
  constructor(
    private readonly failAtTrial: number,
    private readonly step: 'apply' | 'read' | 'delete',
  ) {
    super({ seed: 4 });
  }
  private fails(policyOrName: FaultInjectionPolicy | string, step: string): boolean {
    const name = typeof policyOrName === 'string' ? policyOrName : policyOrName.metadata.name;
    return step === this.step && name.endsWith(`-t${this.failAtTrial}`);
  }
  override async apply(policy: FaultInjectionPolicy): Promise<void> {
    if (this.fails(policy, 'apply')) throw new Error('connect ECONNREFUSED 127.0.0.1:8080');
    this.applied.push(policy.metadata.name);
    await super.apply(policy);
  }
  override async readOutcomes(...args: Parameters<SimulatedExecutor['readOutcomes']>) {
    if (this.step === 'read' && this.applied.at(-1)?.endsWith(`-t${this.failAtTrial}`))
      throw new Error('connect ECONNREFUSED 127.0.0.1:8080');
    return super.readOutcomes(...args);
  }
  override async delete(name: string): Promise<void> {
    if (this.fails(name, 'delete')) throw new Error('connect ECONNREFUSED 127.0.0.1:8080');
    await super.delete(name);
  }
}

test('the control plane going down mid-trial: the policy is deleted, the session saved as failed, and resume finishes it', async () => {
  const store = new SessionStore(stateDir());
  const executor = new FailingExecutor(3, 'read');
  const session = newSession(document, { id: 'down-1', budget: 5 });
  await assert.rejects(runSession(session, space, { executor, store, now }), (error: RecommenderError) => {
    assert.match(error.message, /^trial 3 \(down-1-t3\) failed: connect ECONNREFUSED/);
    assert.match(error.details.join('\n'), /hfi-recommender resume down-1/);
    return true;
  });
  assert.deepEqual(executor.activePolicies(), [], 'no policy is left behind');
  const { session: saved, space: savedSpace } = await store.load('down-1');
  assert.equal(saved.state, 'failed');
  assert.equal(saved.trials.length, 2);
  const done = await runSession(saved, savedSpace, { executor: new SimulatedExecutor({ seed: 4 }), store, now });
  assert.equal(done.state, 'completed');
  assert.equal(done.trials.length, 5);
});

test('a policy that cannot be deleted is reported with when it expires by itself', async () => {
  const executor = new FailingExecutor(2, 'delete');
  const session = newSession(document, { id: 'nodelete-1', budget: 3 });
  await assert.rejects(runSession(session, space, { executor, store: new SessionStore(stateDir()), now }), (error: RecommenderError) => {
    assert.match(error.message, /could not delete policy nodelete-1-t2 .*it expires by itself 8s after it was applied/);
    return true;
  });
});

test('an unknown target or workload is refused before any policy is applied', async () => {
  const { space: bad, document: badDocument } = meshSpaceWith({
    targets: [{ service: 'payments', namespace: 'demo' }],
    objective: { workload: { service: 'frontend', namespace: 'shop' }, errorRate: {} },
  });
  const executor = new FailingExecutor(99, 'apply');
  await assert.rejects(
    runSession(newSession(badDocument, { id: 'unknown-1' }), bad, { executor, store: new SessionStore(stateDir()), now }),
    (error: RecommenderError) => {
      assert.match(error.message, /names workloads the simulated mesh does not have; no trial was run/);
      assert.deepEqual(
        error.details.map((d) => d.trim().split(' (known')[0]),
        ['targets[0]: service demo/payments does not exist', 'objective.workload: service shop/frontend does not exist'],
      );
      return true;
    },
  );
  assert.deepEqual(executor.applied, []);
});

test('the guard halts the session when the scored workload fails with no trial running', async () => {
  const store = new SessionStore(stateDir());
  const session = newSession(document, { id: 'guard-1', budget: 5 });
  const done = await runSession(session, space, { executor: new SimulatedExecutor({ seed: 4, baselineErrorRate: 0.3 }), store, now });
  assert.equal(done.state, 'halted');
  assert.equal(done.trials.length, 1, 'the guard is checked between trials');
  assert.match(done.stopReason ?? '', /demo\/frontend error rate 0\.300 with no trial running is above guards\.maxErrorRate 0\.2/);
});
