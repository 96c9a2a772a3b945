// Where trials run. The runner owns the protocol (apply, wait for the window, read, delete even on failure);
// an executor only does each step: in the simulated mesh, or against a control plane (live/executor.ts).
import type { HaltReason } from '@hfi/api';
import type { FaultInjectionPolicy } from '@hfi/policy';
import type { SearchSpace, Workload } from '../space/types.js';
import type { Outcomes } from './outcomes.js';

export interface TrialWindow {
  /** Epoch ms. */
  fromMs: number;
  toMs: number;
  /**
   * Set when the control plane halted the policy by itself before the window's planned end (a stop condition held):
   * the window then ends when the halt was seen, so the trial is scored on what the fault did while it ran.
   */
  stoppedBy?: HaltReason;
}

export interface TrialExecutor {
  /** "simulated" or "live": recorded in the session and printed with every report. */
  readonly mode: 'simulated' | 'live';
  /** What this executor cannot run or score in a valid space, one line per problem naming the field. */
  checkSpace?(space: SearchSpace): string[];
  /** Deletes the policies a session left behind (a crash, an unreachable control plane); the names deleted. */
  removeLeftovers?(sessionId: string): Promise<string[]>;
  /** The workloads that exist, so that a space naming a service that does not is refused before any trial. */
  workloads(): Promise<Workload[]>;
  apply(policy: FaultInjectionPolicy): Promise<void>;
  /** Resolves once the applied policy has been in force for `seconds`, or was halted sooner; the window to read outcomes over. */
  waitForWindow(policy: FaultInjectionPolicy, seconds: number): Promise<TrialWindow>;
  readOutcomes(workload: Workload, window: TrialWindow): Promise<Outcomes>;
  /** Deletes the policy; deleting one that is already gone (expired, deleted by hand) is not an error. */
  delete(name: string): Promise<void>;
  /** The workload's outcomes with no trial running, for the guard between trials. */
  readQuietOutcomes(workload: Workload): Promise<Outcomes>;
}
