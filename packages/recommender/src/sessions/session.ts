// A session: one search over one space, with every finished trial, so that it can be resumed and reported.
import type { HaltReason } from '@hfi/api';
import type { FaultInjectionPolicy } from '@hfi/policy';
import type { Candidate } from '../encoding/dimensions.js';
import type { OptimiserName } from '../optimisers/registry.js';
import type { Outcomes, Score } from '../trials/outcomes.js';

export const SESSION_FORMAT = 1;

export const SESSION_STATES = ['running', 'completed', 'halted', 'failed'] as const;
type SessionState = (typeof SESSION_STATES)[number];

export interface TrialRecord {
  /** Counted from 1. */
  trial: number;
  candidate: Candidate;
  /** One line: "demo/catalog GET /catalog* delay 412ms 80%". */
  summary: string;
  policy: FaultInjectionPolicy;
  outcomes: Outcomes;
  /** Scored over the window it ran (see trials/executor.ts). */
  score: Score;
  /** Present when the control plane halted the trial policy mid-trial: the stop condition that held, what it observed, when. */
  stoppedBy?: HaltReason;
  startedAt: string;
  finishedAt: string;
}

export interface Session {
  format: typeof SESSION_FORMAT;
  id: string;
  createdAt: string;
  updatedAt: string;
  state: SessionState;
  /** Why the session stopped before its budget (halted by a guard, failed), or how it ended. */
  stopReason?: string;
  spaceFile?: string;
  /** The space document as read from the file; validated again whenever the session is loaded. */
  space: unknown;
  seed: number;
  budget: number;
  optimizer: OptimiserName;
  executor: 'simulated' | 'live';
  server?: string;
  trials: TrialRecord[];
}
