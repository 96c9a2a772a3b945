// The stop-condition evaluator (docs/policy.md "Stop conditions"): about every second, each running policy's
// conditions (spec.stopWhen, else the server's default guard) are judged against the guarded workloads'
// figures; the first that holds trips the policy. A trip is a store write (memory or etcd) bound to the
// policy version: the hub leaves the policy's rules out of the rule set, its status turns Halted with the
// reason, and every replica agrees. With etcd every replica evaluates and the write is a compare-and-swap
// (store putTrip): replicas tripping the same version at once write it once, with one audit entry.
import type { HaltReason, StoredTrip } from '@hfi/api';
import { haltScope, policyPhase, type StopCondition, type StoredPolicy, stopConditionHolds } from '@hfi/policy';
import type { Clock } from '../clock.js';
import type { GuardCondition } from '../config/config.js';
import type { RuleSetHub } from '../distribution/hub.js';
import { PeriodicRound } from '../periodic-round.js';
import { isoTime } from '../store/stamp.js';
import type { PolicyStore } from '../store/types.js';
import type { WindowFigures, WorkloadFigures, WorkloadSelector } from './workload-figures.js';

/** How often the conditions are judged. */
const EVALUATION_INTERVAL_MS = 1000;

export interface StopConditionEvaluatorOptions {
  hub: RuleSetHub;
  store: PolicyStore;
  clock: Clock;
  figures: WorkloadFigures;
  /** Applies to policies without spec.stopWhen; empty: none. */
  defaultGuard: readonly GuardCondition[];
  onTrip?: (trip: StoredTrip) => void;
  onError: (error: unknown) => void;
}

export class StopConditionEvaluator {
  private readonly rounds = new PeriodicRound(() => this.evaluateOnce());

  constructor(private readonly o: StopConditionEvaluatorOptions) {}

  start(intervalMs = EVALUATION_INTERVAL_MS): void {
    this.rounds.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }

  /** One round over every policy; a round still writing when the next is due is not overlapped. */
  evaluate(): Promise<void> {
    return this.rounds.run();
  }

  private async evaluateOnce(): Promise<void> {
    const now = this.o.clock.now();
    const halts = this.o.hub.halts();
    for (const policy of this.o.hub.policies()) {
      if (!this.injects(policy, now, halts)) continue;
      const held = this.firstHolding(policy);
      if (!held) continue;
      const reason: HaltReason = { ...held, at: isoTime(now) };
      try {
        const trip = await this.o.store.putTrip(
          { policy: policy.metadata.name, policyVersion: policy.metadata.version, reason },
          { nowMs: now },
        );
        if (trip) this.o.onTrip?.(trip);
      } catch (error) {
        this.o.onError(error);
      }
    }
  }

  /** Whether the policy may be injecting now: in its time window, not a dry run, not stopped, not wholly halted. */
  private injects(policy: StoredPolicy, now: number, halts: ReturnType<RuleSetHub['halts']>): boolean {
    if (policy.spec.dryRun || policyPhase(policy, now) !== 'Active') return false;
    if (this.o.hub.trip(policy.metadata.name)) return false;
    return !halts.some((halt) => haltScope(halt, policy.spec.selector) === 'whole');
  }

  /** The first of the policy's conditions that holds now, with what it saw. */
  private firstHolding(policy: StoredPolicy): Omit<HaltReason, 'at'> | undefined {
    const own = policy.spec.stopWhen;
    const conditions = own
      ? own.map((condition) => ({ condition, source: 'stopWhen' as const }))
      : this.o.defaultGuard.map((g) => ({
          condition: g.policySelector ? { ...g.condition, selector: policy.spec.selector } : g.condition,
          source: 'defaultGuard' as const,
        }));
    for (const [conditionIndex, { condition, source }] of conditions.entries()) {
      const figures = this.o.figures.read(workloadOf(condition), condition.windowMs);
      if (figures && stopConditionHolds(condition, figures)) return { source, conditionIndex, condition, observed: observed(figures) };
    }
    return undefined;
  }
}

function workloadOf(condition: StopCondition): WorkloadSelector {
  const { service, namespace } = condition.selector;
  return { ...(service !== '*' ? { service } : {}), ...(namespace !== '*' ? { namespace } : {}) };
}

function observed(f: WindowFigures): HaltReason['observed'] {
  return { requests: f.requests, errors: f.errors, errorRatePercent: f.errorRatePercent, p99Ms: f.p99Ms, dataPlanes: f.dataPlanes };
}
