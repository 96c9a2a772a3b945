// What the data planes reporting to this replica observed, per workload (service, namespace): a ring of 1 s
// buckets each (outcome-buckets.ts), and which instances were heard from (polls and reports) for the
// data-plane count. Each instance's last `seq` is remembered, so a report resent after a lost answer is
// counted once. At most MAX_WORKLOADS workloads are kept (they become metric label sets).
import { API_LIMITS, MAX_WORKLOADS, OUTCOME_WINDOWS, type OutcomeReport } from '@hfi/api';
import type { Clock } from '../clock.js';
import { OutcomeRing, vectorOf } from './outcome-buckets.js';

/** Who a data plane says it is; absent or null fields are unknown (""). */
export interface WorkloadIdentity {
  service?: string | null;
  namespace?: string | null;
}

export interface WorkloadName {
  service: string;
  namespace: string;
}

/** An instance counts as a data plane of its workload this long after it was last heard from (a held poll and a margin). */
const DATA_PLANE_LIVE_MS = API_LIMITS.maxHoldMs + 15_000;

interface InstanceState {
  workload: string;
  lastSeq: number;
  lastSeenMs: number;
}

export type OutcomeRecord = 'counted' | 'duplicate' | 'too_many_workloads';

/** The map key of a workload; the separator cannot occur in a Kubernetes name. */
function workloadKey(name: WorkloadName): string {
  return `${name.namespace}/${name.service}`;
}

export function workloadOfKey(key: string): WorkloadName {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), service: key.slice(slash + 1) };
}

function workloadOf(identity: WorkloadIdentity): WorkloadName {
  return { service: identity.service ?? '', namespace: identity.namespace ?? '' };
}

export function secondOf(ms: number): number {
  return Math.floor(ms / OUTCOME_WINDOWS.bucketMs);
}

export class WorkloadOutcomes {
  private readonly instances = new Map<string, InstanceState>();
  readonly rings = new Map<string, OutcomeRing>();

  constructor(
    private readonly clock: Clock,
    /** Instances remembered at most (MAX_DATA_PLANES): beyond, the one first heard from longest ago is forgotten. */
    private readonly maxInstances: number,
    private readonly maxWorkloads = MAX_WORKLOADS,
  ) {}

  /** A poll or a report from `instance`: it is a data plane of its workload. */
  seen(instance: string, identity: WorkloadIdentity): InstanceState {
    const workload = workloadKey(workloadOf(identity));
    let state = this.instances.get(instance);
    if (!state) {
      if (this.instances.size >= this.maxInstances) this.instances.delete(this.instances.keys().next().value as string);
      this.instances.set(instance, (state = { workload, lastSeq: 0, lastSeenMs: 0 }));
    }
    state.workload = workload;
    state.lastSeenMs = this.clock.now();
    return state;
  }

  /** Adds a report's counts to its workload's current second, unless this instance sent that `seq` already. */
  record(instance: string, identity: WorkloadIdentity, report: OutcomeReport): OutcomeRecord {
    const state = this.seen(instance, identity);
    if (report.seq <= state.lastSeq) return 'duplicate';
    let ring = this.rings.get(state.workload);
    if (!ring) {
      if (this.rings.size >= this.maxWorkloads) return 'too_many_workloads';
      this.rings.set(state.workload, (ring = new OutcomeRing()));
    }
    state.lastSeq = report.seq;
    ring.add(secondOf(this.clock.now()), vectorOf(report));
    return 'counted';
  }

  /** Instances heard from lately, by workload key. */
  liveInstances(): Map<string, Set<string>> {
    const cutoff = this.clock.now() - DATA_PLANE_LIVE_MS;
    const byWorkload = new Map<string, Set<string>>();
    for (const [instance, state] of this.instances) {
      if (state.lastSeenMs < cutoff) continue;
      let set = byWorkload.get(state.workload);
      if (!set) byWorkload.set(state.workload, (set = new Set()));
      set.add(instance);
    }
    return byWorkload;
  }

  /** Forgets instances not heard from for the longest window, and workloads with no second left in it. */
  forgetStale(): void {
    const now = this.clock.now();
    const cutoff = now - OUTCOME_WINDOWS.maxMs;
    for (const [instance, state] of this.instances) if (state.lastSeenMs < cutoff) this.instances.delete(instance);
    const second = secondOf(now);
    for (const [key, ring] of this.rings) if (ring.prune(second)) this.rings.delete(key);
  }
}
