// Figures per workload over a sliding window (docs/outcomes.md), from this replica's rings and the other
// replicas' copies: request rate, error rate, p50/p99 latency, faulted rate, data-plane count.
// `workloadFigures` is what a stop-condition evaluator reads: the figures merged over every workload a
// selector matches.
import { LATENCY_BUCKET_BOUNDS_US, LATENCY_BUCKETS, OUTCOME_STATUS_CLASSES, type Workload } from '@hfi/api';
import type { Clock } from '../clock.js';
import { FAULTED_AT, LATENCY_AT, LOCAL_AT, VECTOR_LENGTH } from './outcome-buckets.js';
import type { SharedOutcomes } from './shared-outcomes.js';
import { secondOf, type WorkloadName, type WorkloadOutcomes, workloadOfKey } from './workload-outcomes.js';

/** Which workloads: an absent field matches any. */
export interface WorkloadSelector {
  service?: string;
  namespace?: string;
}

/** A window's figures, merged over the workloads a selector matched. */
export interface WorkloadFigures {
  requests: number;
  /** 5xx responses, from upstream or local replies. */
  errors: number;
  /** errors / requests × 100; 0 without requests. */
  errorRatePercent: number;
  /** Bucket upper bounds (√2 apart); null without requests. */
  p50Ms: number | null;
  p99Ms: number | null;
  faulted: number;
  dataPlanes: number;
}

/** What the control plane's context offers readers of outcomes (routes, metrics, stop conditions). */
export interface OutcomeFigures {
  /** The figures over `windowMs` merged over every workload `selector` matches; undefined when none matched. */
  workloadFigures(selector: WorkloadSelector, windowMs: number): WorkloadFigures | undefined;
  /** Each workload `filter` matches, sorted by namespace, then service. */
  workloads(windowMs: number, filter?: WorkloadSelector): Workload[];
}

const FIVE_XX = OUTCOME_STATUS_CLASSES.indexOf('5xx');

interface Gathered {
  counts: Float64Array;
  instances: Set<string>;
}

export class OutcomeAggregator implements OutcomeFigures {
  constructor(
    private readonly clock: Clock,
    private readonly local: WorkloadOutcomes,
    private readonly shared?: SharedOutcomes,
  ) {}

  workloadFigures(selector: WorkloadSelector, windowMs: number): WorkloadFigures | undefined {
    const matched = [...this.gather(windowMs, selector).values()];
    if (matched.length === 0) return undefined;
    const counts = new Float64Array(VECTOR_LENGTH);
    const instances = new Set<string>();
    for (const g of matched) {
      for (let i = 0; i < VECTOR_LENGTH; i++) counts[i]! += g.counts[i]!;
      for (const instance of g.instances) instances.add(instance);
    }
    return figuresOf(counts, instances.size);
  }

  workloads(windowMs: number, filter: WorkloadSelector = {}): Workload[] {
    const items: Workload[] = [];
    for (const [key, g] of this.gather(windowMs, filter)) {
      const figures = figuresOf(g.counts, g.instances.size);
      const requests = figures.requests;
      items.push({
        ...workloadOfKey(key),
        dataPlanes: figures.dataPlanes,
        requests,
        requestsPerSecond: round(requests / (windowMs / 1000)),
        errors: figures.errors,
        errorRatePercent: figures.errorRatePercent,
        faulted: figures.faulted,
        faultedPercent: requests > 0 ? round((100 * figures.faulted) / requests) : 0,
        p50Ms: figures.p50Ms,
        p99Ms: figures.p99Ms,
        status: byClass(g.counts, 0),
        local: byClass(g.counts, LOCAL_AT),
      });
    }
    return items.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.service, b.service));
  }

  /** Per matching workload key: its counts over the window and its data planes, from every replica. */
  private gather(windowMs: number, selector: WorkloadSelector): Map<string, Gathered> {
    const toSecond = secondOf(this.clock.now());
    const fromSecond = toSecond - Math.ceil(windowMs / 1000);
    const out = new Map<string, Gathered>();
    const entry = (key: string): Gathered | undefined => {
      let g = out.get(key);
      if (!g) {
        if (!matches(workloadOfKey(key), selector)) return undefined;
        out.set(key, (g = { counts: new Float64Array(VECTOR_LENGTH), instances: new Set() }));
      }
      return g;
    };
    const sources = [{ rings: this.local.rings, instances: this.local.liveInstances() }, ...(this.shared?.replicas() ?? [])];
    for (const source of sources) {
      for (const [key, ring] of source.rings) {
        const g = entry(key);
        if (g) ring.sumInto(g.counts, fromSecond, toSecond);
      }
      for (const [key, instances] of source.instances) {
        const g = entry(key);
        if (g) for (const instance of instances) g.instances.add(instance);
      }
    }
    return out;
  }
}

function matches(name: WorkloadName, selector: WorkloadSelector): boolean {
  return (
    (selector.service === undefined || selector.service === name.service) &&
    (selector.namespace === undefined || selector.namespace === name.namespace)
  );
}

function figuresOf(counts: Float64Array, dataPlanes: number): WorkloadFigures {
  let requests = 0;
  for (let i = 0; i < 2 * OUTCOME_STATUS_CLASSES.length; i++) requests += counts[i]!;
  const errors = counts[FIVE_XX]! + counts[LOCAL_AT + FIVE_XX]!;
  return {
    requests,
    errors,
    errorRatePercent: requests > 0 ? round((100 * errors) / requests) : 0,
    p50Ms: percentileMs(counts, 0.5),
    p99Ms: percentileMs(counts, 0.99),
    faulted: counts[FAULTED_AT]!,
    dataPlanes,
  };
}

/** The upper bound of the bucket holding the q-quantile (the overflow bucket answers the last bound). */
function percentileMs(counts: Float64Array, q: number): number | null {
  let total = 0;
  for (let b = 0; b < LATENCY_BUCKETS; b++) total += counts[LATENCY_AT + b]!;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let b = 0; b < LATENCY_BUCKETS; b++) {
    seen += counts[LATENCY_AT + b]!;
    if (seen >= rank) return LATENCY_BUCKET_BOUNDS_US[Math.min(b, LATENCY_BUCKET_BOUNDS_US.length - 1)]! / 1000;
  }
  return LATENCY_BUCKET_BOUNDS_US[LATENCY_BUCKET_BOUNDS_US.length - 1]! / 1000;
}

function byClass(counts: Float64Array, at: number): Record<string, number> {
  return Object.fromEntries(OUTCOME_STATUS_CLASSES.map((cls, i) => [cls, counts[at + i]!]));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
