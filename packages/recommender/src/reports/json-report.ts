// The JSON report: `{"session", "findings": [{"severity", "policy", "outcomes", "trial", ...}], "trials": [...]}`.
import type { Session, TrialRecord } from '../sessions/session.js';
import { type Finding, rankFindings, stoppedTrials } from './findings.js';

export interface JsonReport {
  session: {
    id: string;
    state: Session['state'];
    stopReason?: string;
    executor: Session['executor'];
    optimizer: Session['optimizer'];
    seed: number;
    budget: number;
    trials: number;
    /** The trials a stop condition cut short (each trial's `stoppedBy` says how). */
    stoppedTrials: number[];
    createdAt: string;
    updatedAt: string;
    spaceFile?: string;
  };
  findings: Finding[];
  trials: TrialRecord[];
}

export function jsonReport(session: Session): JsonReport {
  return {
    session: {
      id: session.id,
      state: session.state,
      ...(session.stopReason ? { stopReason: session.stopReason } : {}),
      executor: session.executor,
      optimizer: session.optimizer,
      seed: session.seed,
      budget: session.budget,
      trials: session.trials.length,
      stoppedTrials: stoppedTrials(session).map((t) => t.trial),
      createdAt: session.createdAt,
      updatedAt: session.updatedAt,
      ...(session.spaceFile ? { spaceFile: session.spaceFile } : {}),
    },
    findings: rankFindings(session),
    trials: session.trials,
  };
}
