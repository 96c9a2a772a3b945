// The search space as the recommender uses it once validated: every default filled in, every duration in ms.

export interface Workload {
  service: string;
  namespace: string;
}

/** Where a fault may go: one service, the paths and methods to try there. `null` means "any". */
export interface Target extends Workload {
  paths: (PathChoice | null)[];
  methods: (string | null)[];
}

export type PathChoice = { exact: string } | { prefix: string };

export interface NumericRange {
  min: number;
  max: number;
  scale: 'linear' | 'log';
}

/** Per fault kind (see faults/): the ranges it is searched over. */
export interface FaultKinds {
  delay?: { ms: NumericRange };
  abort?: { statuses: number[] };
}

export type FaultKindName = keyof FaultKinds;

export interface ErrorRateTerm {
  weight: number;
  /** Error rate at which the term scores full marks (0-1]. */
  fullAt: number;
  /** Which responses count as errors: status classes such as "5xx", or single statuses. */
  count: string[];
}

export interface LatencyTerm {
  weight: number;
  quantile: LatencyQuantile;
  /** Below the SLO the term scores 0; it rises linearly to full marks at `fullMs`. */
  sloMs: number;
  fullMs: number;
}

export const LATENCY_QUANTILES = ['p50', 'p90', 'p99'] as const;
type LatencyQuantile = (typeof LATENCY_QUANTILES)[number];

export interface Objective {
  /** The workload whose outcomes are scored (usually the entry point or a caller of the targets). */
  workload: Workload;
  errorRate?: ErrorRateTerm;
  latency?: LatencyTerm;
}

export const STOP_METRICS = ['errorRate', 'latencyP99Ms'] as const;

/** A condition every trial policy carries as `spec.stopWhen` (encoding/policy.ts). */
export interface StopCondition {
  workload: Workload;
  metric: (typeof STOP_METRICS)[number];
  above: number;
}

export interface Guards {
  /** Checked between trials on the scored workload with no trial running: above it the session halts. */
  maxErrorRate: number | null;
  stopWhen: StopCondition[];
}

export interface SearchSpace {
  /** DNS-1123 label; names the session and labels its policies. */
  name: string;
  targets: Target[];
  faults: FaultKinds;
  percentage: NumericRange;
  objective: Objective;
  budget: number;
  trialSeconds: number;
  seed: number;
  guards: Guards;
}
