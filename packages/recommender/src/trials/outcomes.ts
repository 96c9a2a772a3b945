// What a trial observed of one workload over its window, and the 0-10 severity the objective makes of it.
import type { Objective, Workload } from '../space/types.js';

export interface Outcomes {
  workload: Workload;
  /** ISO-8601 instants; the window the outcomes were read over. */
  window: { from: string; to: string };
  requests: number;
  /** Responses by status ("200", "503"); "0" counts requests that got no response at all. */
  statuses: Record<string, number>;
  /** p90 and max where the executor knows them (the simulated mesh does; live figures have p50 and p99). */
  latencyMs: { p50: number; p90?: number; p99: number; max?: number };
}

export interface Score {
  /** 0-10: the weighted mean of the terms' scores (each 0-1), times 10. */
  severity: number;
  terms: { errorRate?: { value: number; score: number }; latency?: { valueMs: number; score: number } };
}

/** Share of responses that count as errors: "5xx" matches 500-599, "429" matches 429; no response counts as 5xx. */
export function errorRate(outcomes: Outcomes, count: readonly string[]): number {
  if (outcomes.requests === 0) return 0;
  let errors = 0;
  for (const [status, n] of Object.entries(outcomes.statuses)) {
    const effective = status === '0' ? '5xx' : status;
    if (count.some((c) => c === status || c === `${effective[0]}xx` || c === effective)) errors += n;
  }
  return errors / outcomes.requests;
}

export function scoreOutcomes(objective: Objective, outcomes: Outcomes): Score {
  const terms: Score['terms'] = {};
  let weighted = 0;
  let weights = 0;
  if (objective.errorRate) {
    const value = errorRate(outcomes, objective.errorRate.count);
    const score = Math.min(1, value / objective.errorRate.fullAt);
    terms.errorRate = { value, score };
    weighted += objective.errorRate.weight * score;
    weights += objective.errorRate.weight;
  }
  if (objective.latency) {
    const { quantile, sloMs, fullMs, weight } = objective.latency;
    const valueMs = outcomes.latencyMs[quantile];
    if (valueMs === undefined) throw new Error(`the outcomes have no ${quantile} latency to score`);
    const score = Math.min(1, Math.max(0, (valueMs - sloMs) / (fullMs - sloMs)));
    terms.latency = { valueMs, score };
    weighted += weight * score;
    weights += weight;
  }
  return { severity: weights === 0 ? 0 : Math.round((1000 * weighted) / weights) / 100, terms };
}
