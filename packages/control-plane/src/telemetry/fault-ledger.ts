// Fault totals on the server, summed from the deltas data planes report (counter-report.ts). Each instance's
// last `seq` is remembered, so a delta resent after a lost answer is counted once; totals per policy are
// kept here, not derived from the instances, so they survive VM restarts, rule-set changes and instances
// being forgotten. A deleted policy's totals go with it. Each policy's totals are also kept per rule index
// (the `<ruleIndex>` of its rule ids), for the per-rule counts of its status. Requests a dry-run rule picked
// and let pass (`wouldInject`) are counted beside the faults, the same way.

import { type FaultCounts, LIMITS } from '@hfi/api';
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

/** Faults injected, and requests a dry run would have faulted. */
export interface FaultTally extends FaultCounts {
  wouldInject: number;
}

/** Faults injected per policy and per rule index, as the API's status answers them. */
export interface PolicyFaultTotals {
  policyTotals(name: string): FaultTally;
  /** The same per rule index, for `ruleCount` rules (the policy's current spec). */
  ruleTotals(name: string, ruleCount: number): FaultTally[];
}

const ZERO: Readonly<FaultTally> = Object.freeze({ aborts: 0, delays: 0, wouldInject: 0 });

export interface PolicyTotals extends FaultTally {
  /** By rule index; an index never reported is a hole (0). */
  rules: FaultTally[];
}

/** Adds `counts` into `sum`. */
export function addTally(sum: FaultTally, counts: FaultTally): void {
  sum.aborts += counts.aborts;
  sum.delays += counts.delays;
  sum.wouldInject += counts.wouldInject;
}

export class FaultLedger implements PolicyFaultTotals {
  private readonly instances = new Map<string, InstanceState>();
  private readonly byPolicy = new Map<string, PolicyTotals>();
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
      const { policy, index } = parseRuleId(ruleId);
      let totals = this.byPolicy.get(policy);
      if (!totals) {
        if (!this.policyExists(policy)) continue;
        this.byPolicy.set(policy, (totals = { ...ZERO, rules: [] }));
      }
      addTally(totals, c);
      if (index !== undefined) addTally((totals.rules[index] ??= { ...ZERO }), c);
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
  policyTotals(name: string): FaultTally {
    const totals = this.byPolicy.get(name);
    return totals ? { aborts: totals.aborts, delays: totals.delays, wouldInject: totals.wouldInject } : ZERO;
  }

  /** The same per rule index, for `ruleCount` rules (the policy's current spec). */
  ruleTotals(name: string, ruleCount: number): FaultTally[] {
    const rules = this.byPolicy.get(name)?.rules ?? [];
    return Array.from({ length: ruleCount }, (_, i) => ({ ...(rules[i] ?? ZERO) }));
  }

  /** Every policy's totals on this replica (with their per-rule totals). */
  allPolicyTotals(): ReadonlyMap<string, Readonly<PolicyTotals>> {
    return this.byPolicy;
  }

  /** What one instance has reported since this replica first heard from it. */
  instanceTotals(instance: string): FaultCounts {
    return this.instances.get(instance)?.totals ?? { aborts: 0, delays: 0 };
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

/** `<policy>/<ruleIndex>` -> policy and index (none when the id has no readable index). */
function parseRuleId(ruleId: string): { policy: string; index: number | undefined } {
  const slash = ruleId.lastIndexOf('/');
  if (slash <= 0) return { policy: ruleId, index: undefined };
  const suffix = ruleId.slice(slash + 1);
  // A larger index is no rule's: a policy has at most LIMITS.rulesPerPolicy rules.
  const index = /^\d{1,6}$/.test(suffix) && Number(suffix) < LIMITS.rulesPerPolicy ? Number(suffix) : undefined;
  return { policy: ruleId.slice(0, slash), index };
}
