// Fault totals on the server, summed from the deltas data planes report (counter-report.ts). Each instance's
// last `seq` is remembered, so a delta resent after a lost answer is counted once; totals per policy are
// kept here, not derived from the instances, so they survive VM restarts, rule-set changes and instances
// being forgotten. A deleted policy's totals go with it.

import type { FaultCounts } from '@hfi/api';
import type { Clock } from '../clock.js';
import type { CounterReport } from './counter-report.js';

interface InstanceState {
  lastSeq: number;
  totals: FaultCounts;
  lastSeenMs: number;
  /** Whether dropping this instance's counters was logged already (once per instance, not per poll). */
  dropLogged: boolean;
}

export type RecordOutcome = 'counted' | 'duplicate';

/** Faults injected per policy, as the API's status answers them. */
export interface PolicyFaultTotals {
  policyTotals(name: string): FaultCounts;
}

const ZERO: Readonly<FaultCounts> = Object.freeze({ aborts: 0, delays: 0 });

export class FaultLedger implements PolicyFaultTotals {
  private readonly instances = new Map<string, InstanceState>();
  private readonly byPolicy = new Map<string, FaultCounts>();
  /** Grows whenever a policy's totals change (shared-fault-totals.ts publishes only then). */
  changes = 0;

  constructor(
    private readonly clock: Clock,
    /** Deltas for a policy this replica does not hold (deleted, or never existed) are not kept. */
    private readonly policyExists: (name: string) => boolean,
    private readonly forgetAfterMs = 5 * 60_000,
  ) {}

  /** Adds a report's deltas unless this instance already sent that `seq` (or a later one). */
  record(instance: string, report: CounterReport): RecordOutcome {
    const state = this.state(instance);
    if (report.seq <= state.lastSeq) return 'duplicate';
    state.lastSeq = report.seq;
    state.totals.aborts += report.aborts;
    state.totals.delays += report.delays;
    for (const [ruleId, c] of report.rules) {
      const policy = policyOfRule(ruleId);
      let totals = this.byPolicy.get(policy);
      if (!totals) {
        if (!this.policyExists(policy)) continue;
        this.byPolicy.set(policy, (totals = { aborts: 0, delays: 0 }));
      }
      totals.aborts += c.aborts;
      totals.delays += c.delays;
      this.changes++;
    }
    return 'counted';
  }

  /** True the first time counters of `instance` are dropped: worth one log line. */
  firstDrop(instance: string): boolean {
    const state = this.state(instance);
    const first = !state.dropLogged;
    state.dropLogged = true;
    return first;
  }

  /** Faults injected so far for one policy, by every data plane that reported to this replica. */
  policyTotals(name: string): FaultCounts {
    return this.byPolicy.get(name) ?? ZERO;
  }

  /** Every policy's totals on this replica. */
  allPolicyTotals(): ReadonlyMap<string, Readonly<FaultCounts>> {
    return this.byPolicy;
  }

  /** What one instance has reported since this replica first heard from it. */
  instanceTotals(instance: string): FaultCounts {
    return this.instances.get(instance)?.totals ?? ZERO;
  }

  /** Drops the totals of policies that no longer exist (called with each new rule set). */
  retainPolicies(): void {
    for (const name of this.byPolicy.keys()) {
      if (!this.policyExists(name)) {
        this.byPolicy.delete(name);
        this.changes++;
      }
    }
  }

  private state(instance: string): InstanceState {
    let state = this.instances.get(instance);
    if (!state) this.instances.set(instance, (state = { lastSeq: 0, totals: { aborts: 0, delays: 0 }, lastSeenMs: 0, dropLogged: false }));
    state.lastSeenMs = this.clock.now();
    return state;
  }

  /**
   * Forgets one instance (the registry evicted it at MAX_DATA_PLANES): its totals stay in the policies', and
   * the ledger stays within the registry's bound. Should it report again, its next `seq` counts as new.
   */
  forget(instance: string): void {
    this.instances.delete(instance);
  }

  /** Forgets instances not heard from for the forget interval (their totals stay in the policies'). */
  forgetStale(): void {
    const cutoff = this.clock.now() - this.forgetAfterMs;
    for (const [instance, state] of this.instances) if (state.lastSeenMs < cutoff) this.instances.delete(instance);
  }
}

/** `<policy>/<ruleIndex>` -> policy. */
function policyOfRule(ruleId: string): string {
  const slash = ruleId.lastIndexOf('/');
  return slash > 0 ? ruleId.slice(0, slash) : ruleId;
}
