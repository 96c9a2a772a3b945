// How many trials a strategy needs on the simulated mesh until it reports a finding within a share of the worst
// severity: the measure of the benchmark and of the optimisers' tests. Sessions run in memory.

import type { Candidate } from '../encoding/dimensions.js';
import { policyForCandidate } from '../encoding/policy.js';
import { encodeSpace } from '../encoding/space-encoding.js';
import type { OptimiserName } from '../optimisers/registry.js';
import { SESSION_FORMAT, type Session } from '../sessions/session.js';
import type { SearchSpace } from '../space/types.js';
import { scoreOutcomes } from '../trials/outcomes.js';
import { runSession } from '../trials/runner.js';
import { SimulatedExecutor } from './executor.js';

export interface SearchRun {
  optimizer: OptimiserName;
  seed: number;
  budget: number;
  /** The severity a finding must reach to count, e.g. 0.9 x the worst. */
  threshold: number;
}

/** The trial (counted from 1) whose observed severity first reached the threshold, or undefined within the budget. */
export async function trialsUntilFound(space: SearchSpace, document: unknown, run: SearchRun): Promise<number | undefined> {
  const session: Session = {
    format: SESSION_FORMAT,
    id: `bench-${run.optimizer}-${run.seed}`,
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    state: 'running',
    space: document,
    seed: run.seed,
    budget: run.budget,
    optimizer: run.optimizer,
    executor: 'simulated',
    trials: [],
  };
  await runSession(session, space, { executor: new SimulatedExecutor({ seed: run.seed }), store: { save: async () => {} }, now: () => 0 });
  return session.trials.find((t) => t.score.severity >= run.threshold)?.trial;
}

/** The severity of one candidate on the simulated mesh (one trial window, seeded by `seed`). */
export async function simulatedSeverity(space: SearchSpace, candidate: Candidate, seed: number): Promise<number> {
  const executor = new SimulatedExecutor({ seed });
  const policy = policyForCandidate(space, encodeSpace(space), candidate, { sessionId: 'probe', trial: 1 });
  await executor.apply(policy);
  const window = await executor.waitForWindow(policy, space.trialSeconds);
  const outcomes = await executor.readOutcomes(space.objective.workload, window);
  return scoreOutcomes(space.objective, outcomes).severity;
}
