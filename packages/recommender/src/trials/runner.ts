// The session loop: for each trial, guard, suggest, apply one time-limited policy, wait for its window (cut short when
// a stop condition halts the policy: the record says which), read and score the scored workload's outcomes, delete the
// policy, and save the session, before the next suggestion.
import { childPath } from '@hfi/policy';
import { policyForCandidate, summariseCandidate } from '../encoding/policy.js';
import { encodeSpace } from '../encoding/space-encoding.js';
import { RecommenderError } from '../errors.js';
import { createOptimiser } from '../optimisers/registry.js';
import type { Session, TrialRecord } from '../sessions/session.js';
import type { SessionStore } from '../sessions/store.js';
import type { SearchSpace, Workload } from '../space/types.js';
import type { TrialExecutor } from './executor.js';
import { errorRate, scoreOutcomes } from './outcomes.js';

/** Where the session is saved after every trial (a SessionStore; benchmarks keep it in memory). */
type SessionSink = Pick<SessionStore, 'save'>;

export interface RunDependencies {
  executor: TrialExecutor;
  store: SessionSink;
  now(): number;
  /** Called after each trial has been saved. */
  onTrial?(record: TrialRecord, session: Session): void;
  /** Things the user should know that are not errors (e.g. guards that are not enforced yet). */
  onNotice?(text: string): void;
}

/** Runs the session's remaining trials; resolves to the saved session. Throws a RecommenderError (session saved) on failure. */
export async function runSession(session: Session, space: SearchSpace, deps: RunDependencies): Promise<Session> {
  const { executor, store } = deps;
  const stamp = (): string => new Date(deps.now()).toISOString();
  const encoding = encodeSpace(space);
  const optimiser = createOptimiser(session.optimizer, encoding.dimensions, session.seed, session.budget);
  const unsupported = executor.checkSpace?.(space) ?? [];
  if (unsupported.length > 0) {
    throw new RecommenderError(`the search space cannot be run on the ${executor.mode} mesh; no trial was run`, undefined, unsupported);
  }
  await checkWorkloadsExist(space, executor);
  const leftovers = (await executor.removeLeftovers?.(session.id)) ?? [];
  if (leftovers.length > 0) deps.onNotice?.(`deleted policies an earlier run of ${session.id} left behind: ${leftovers.join(', ')}`);
  const finish = async (state: Session['state'], stopReason: string): Promise<Session> => {
    Object.assign(session, { state, stopReason, updatedAt: stamp() });
    await store.save(session);
    return session;
  };
  session.state = 'running';
  delete session.stopReason;
  while (session.trials.length < session.budget) {
    const trial = session.trials.length + 1;
    if (trial > 1 && space.guards.maxErrorRate !== null) {
      const quiet = await guarded(session, store, stamp, `guard check before trial ${trial}`, () =>
        executor.readQuietOutcomes(space.objective.workload),
      );
      const rate = errorRate(quiet, space.objective.errorRate?.count ?? ['5xx']);
      if (rate > space.guards.maxErrorRate) {
        return finish(
          'halted',
          `guard: ${describeWorkload(space.objective.workload)} error rate ${rate.toFixed(3)} with no trial running is above guards.maxErrorRate ${space.guards.maxErrorRate}`,
        );
      }
    }
    const candidate = optimiser.suggest(session.trials.map((t) => ({ candidate: t.candidate, severity: t.score.severity })));
    if (!candidate) return finish('completed', `${session.optimizer}: every point of the space has been tried`);
    const policy = policyForCandidate(space, encoding, candidate, { sessionId: session.id, trial });
    const startedAt = stamp();
    const { outcomes, stoppedBy } = await guarded(session, store, stamp, `trial ${trial} (${policy.metadata.name})`, async () => {
      let applied = false;
      try {
        await executor.apply(policy);
        applied = true;
        const window = await executor.waitForWindow(policy, space.trialSeconds);
        return { outcomes: await executor.readOutcomes(space.objective.workload, window), stoppedBy: window.stoppedBy };
      } finally {
        if (applied) await deleteOrExplain(executor, policy.metadata.name, space.trialSeconds);
      }
    });
    const record: TrialRecord = {
      trial,
      candidate,
      summary: summariseCandidate(candidate),
      policy,
      outcomes,
      score: scoreOutcomes(space.objective, outcomes),
      ...(stoppedBy && { stoppedBy }),
      startedAt,
      finishedAt: stamp(),
    };
    session.trials.push(record);
    session.updatedAt = record.finishedAt;
    await store.save(session);
    deps.onTrial?.(record, session);
  }
  return finish('completed', `budget of ${session.budget} trials used`);
}

/** Runs one step; on failure the session is saved as failed (resumable) and the error says what to do. */
async function guarded<T>(session: Session, store: SessionSink, stamp: () => string, step: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    Object.assign(session, { state: 'failed', stopReason: `${step}: ${reason}`, updatedAt: stamp() });
    await store.save(session);
    throw new RecommenderError(`${step} failed: ${reason}`, undefined, [
      `  session ${session.id} is saved with ${session.trials.length} finished trial(s); continue it with:`,
      `    hfi-recommender resume ${session.id}`,
    ]);
  }
}

/** A policy that cannot be deleted still expires by itself: say when, rather than hide the failure. */
async function deleteOrExplain(executor: TrialExecutor, name: string, trialSeconds: number): Promise<void> {
  try {
    await executor.delete(name);
  } catch (error) {
    throw new Error(
      `could not delete policy ${name} (${(error as Error).message}); it expires by itself ${trialSeconds}s after it was applied`,
    );
  }
}

async function checkWorkloadsExist(space: SearchSpace, executor: TrialExecutor): Promise<void> {
  const known = await executor.workloads();
  const exists = (w: Workload): boolean => known.some((k) => k.service === w.service && k.namespace === w.namespace);
  const problems: string[] = [];
  const knownList = known.map(describeWorkload).join(', ');
  space.targets.forEach((target, index) => {
    if (!exists(target))
      problems.push(`  ${childPath('targets', index)}: service ${describeWorkload(target)} does not exist (known: ${knownList})`);
  });
  if (!exists(space.objective.workload)) {
    problems.push(`  objective.workload: service ${describeWorkload(space.objective.workload)} does not exist (known: ${knownList})`);
  }
  if (problems.length > 0) {
    throw new RecommenderError(
      executor.mode === 'live'
        ? 'the search space names workloads that no data plane of the control plane serves (GET /v1/dataplanes); no trial was run'
        : `the search space names workloads the ${executor.mode} mesh does not have; no trial was run`,
      undefined,
      problems,
    );
  }
}

function describeWorkload(workload: Workload): string {
  return `${workload.namespace}/${workload.service}`;
}
