// What the stop-condition evaluator needs to know of the traffic: a workload's figures over a sliding window.
// Declared here, on the consumer's side; the outcomes aggregation (per workload, shared across replicas,
// telemetry/outcome-aggregator.ts) provides it through figuresOfOutcomes, and tests hand in a fake.
import type { OutcomeFigures } from '../telemetry/outcome-aggregator.js';

/** A workload by service and namespace; a field left out means any. */
export interface WorkloadSelector {
  service?: string;
  namespace?: string;
}

export interface WindowFigures {
  requests: number;
  errors: number;
  errorRatePercent: number;
  p50Ms: number;
  p99Ms: number;
  faulted: number;
  dataPlanes: number;
}

export interface WorkloadFigures {
  /** The figures of the workloads `selector` matches over the last `windowMs`; undefined when none reported. */
  read(selector: WorkloadSelector, windowMs: number): WindowFigures | undefined;
}

/** The outcome aggregation as the evaluator reads it: a latency without requests (null) reads as 0. */
export function figuresOfOutcomes(outcomes: OutcomeFigures): WorkloadFigures {
  return {
    read(selector, windowMs) {
      const f = outcomes.workloadFigures(selector, windowMs);
      return f && { ...f, p50Ms: f.p50Ms ?? 0, p99Ms: f.p99Ms ?? 0 };
    },
  };
}
