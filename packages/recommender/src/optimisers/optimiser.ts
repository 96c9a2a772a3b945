// The one interface every search strategy implements: given the finished trials, the next candidate.
import type { Candidate } from '../encoding/dimensions.js';

export interface Observation {
  candidate: Candidate;
  /** 0-10, higher is worse for the system (and what the search maximises). */
  severity: number;
}

export interface Optimiser {
  readonly name: string;
  /**
   * The next candidate after `history` (in trial order), or undefined when there is nothing left to try.
   * A pure function of the history, the space and the seed: a resumed session continues exactly.
   */
  suggest(history: readonly Observation[]): Candidate | undefined;
}
