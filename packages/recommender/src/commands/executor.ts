// The executor a session's trials run on. Only the simulated mesh exists until the control plane reports outcomes.
import { EXIT, RecommenderError } from '../errors.js';
import type { Session } from '../sessions/session.js';
import { SimulatedExecutor } from '../simulate/executor.js';
import type { TrialExecutor } from '../trials/executor.js';

export const LIVE_NOT_AVAILABLE = new RecommenderError(
  'live trials are not available yet: the control plane does not report the outcomes of a workload over a time window (requests, statuses, latency), which every trial needs to be scored',
  EXIT.usage,
  ['  run with --simulate for a dry demonstration on the simulated mesh (docs/recommender.md)'],
);

export function executorFor(session: Pick<Session, 'executor' | 'seed'>): TrialExecutor {
  if (session.executor === 'live') throw LIVE_NOT_AVAILABLE;
  return new SimulatedExecutor({ seed: session.seed });
}
