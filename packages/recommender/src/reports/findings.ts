// Findings: the trials that hurt, worst first. Each keeps the policy that reproduces it and what was observed.
import type { FaultInjectionPolicy } from '@hfi/policy';
import type { Session, TrialRecord } from '../sessions/session.js';
import type { Outcomes, Score } from '../trials/outcomes.js';

export interface Finding {
  rank: number;
  trial: number;
  severity: number;
  summary: string;
  terms: Score['terms'];
  policy: FaultInjectionPolicy;
  outcomes: Outcomes;
  /** The trial was cut short by a stop condition (scored over the window it ran). */
  stoppedBy?: TrialRecord['stoppedBy'];
}

/** Trials with a severity above 0, by severity (highest first), then by trial (earliest first). */
export function rankFindings(session: Session): Finding[] {
  return session.trials
    .filter((t) => t.score.severity > 0)
    .sort((a, b) => b.score.severity - a.score.severity || a.trial - b.trial)
    .map((t, index) => ({
      rank: index + 1,
      trial: t.trial,
      severity: t.score.severity,
      summary: t.summary,
      terms: t.score.terms,
      policy: t.policy,
      outcomes: t.outcomes,
      ...(t.stoppedBy && { stoppedBy: t.stoppedBy }),
    }));
}

type StoppedTrial = TrialRecord & Required<Pick<TrialRecord, 'stoppedBy'>>;

/** The trials a stop condition cut short, in order. */
export function stoppedTrials(session: Session): StoppedTrial[] {
  return session.trials.filter((t): t is StoppedTrial => t.stoppedBy !== undefined);
}
