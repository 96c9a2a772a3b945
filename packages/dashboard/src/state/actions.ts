// The writes a person makes from the header and the policy view (delete, halt, resume; the editor shows
// its apply's answer in place). Each refreshes the live data when it succeeds, or answers why it did not
// (a read-only token is told it needs the admin token), for the dialog that asked to show.
import type { HaltInput, HaltSelector, HfiClient } from '@hfi/client';
import { describeFailure } from '../model/messages.js';
import type { LiveData } from './live.js';

/** Who the halts the dashboard makes are attributed to (GET /v1/halt shows it). */
const ACTOR = 'hfi-dashboard';

export interface Actions {
  /** Each resolves with undefined when it was done, or with why it failed. */
  remove(name: string): Promise<Failure>;
  halt(input: HaltInput): Promise<Failure>;
  resume(selector: HaltSelector): Promise<Failure>;
}

/** Why a write failed, in a sentence; undefined when it did not. */
type Failure = string | undefined;

export function createActions(client: HfiClient, live: LiveData): Actions {
  async function attempt(action: string, write: () => Promise<unknown>): Promise<Failure> {
    try {
      await write();
      void live.reload();
      return undefined;
    } catch (error) {
      return describeFailure(action, error);
    }
  }
  return {
    remove: (name) => attempt(`Deleting ${name}`, () => client.deletePolicy(name)),
    halt: (input) => attempt('Halting', () => client.halt({ ...input, actor: ACTOR })),
    resume: (selector) => attempt('Resuming', () => client.resume(selector)),
  };
}
