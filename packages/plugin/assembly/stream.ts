// Per-request state of a faulted request. Requests no rule faults get no object at all.

import { Rule } from './ruleset';

export class Stream {
  /** Position in the root context's delay queue; -1 when not waiting. */
  heapIndex: i32 = -1;
  deadlineMs: i64 = 0;
  localReplySent: bool = false;
  /** Let go before its deadline because its rule stopped applying: no abort, no x-hfi-fault. */
  released: bool = false;
  /** A response-phase fault (faults/phase.ts): it waits for the response; its wait was drawn at request time. */
  responsePhase: bool = false;
  responseWaitMs: i64 = 0;
  responseDelayMs: i64 = 0;
  /** HFI delayed, aborted or reset it (what the outcomes count as faulted). */
  injected: bool = false;
  /** An abort status the request chose (faults/overrides.ts); 0 when none. */
  abortStatus: i32 = 0;
  /** A dry-run response-phase rule (faults/dry-run.ts): counted at the response, nothing done. */
  dryRun: bool = false;

  constructor(
    readonly id: u32,
    readonly rootId: u32,
    readonly rule: Rule,
  ) {}
}
