// Per-workload outcome counts in a ring of 1 s buckets (docs/outcomes.md "Windows"): each bucket is one
// vector of counts, [status classes, local-reply classes, faulted, latency buckets]; a window's figures
// are the sum of its seconds' vectors. Seconds older than the longest window are dropped.
import { LATENCY_BUCKETS, OUTCOME_STATUS_CLASSES, OUTCOME_WINDOWS, type OutcomeReport } from '@hfi/api';

const CLASSES = OUTCOME_STATUS_CLASSES.length;
export const LOCAL_AT = CLASSES;
export const FAULTED_AT = 2 * CLASSES;
export const LATENCY_AT = FAULTED_AT + 1;
/** Length of one bucket's vector. */
export const VECTOR_LENGTH = LATENCY_AT + LATENCY_BUCKETS;
/** Seconds kept: the longest window. */
const KEPT_SECONDS = OUTCOME_WINDOWS.maxMs / OUTCOME_WINDOWS.bucketMs;

/** A report as one vector. */
export function vectorOf(report: OutcomeReport): Float64Array {
  const v = new Float64Array(VECTOR_LENGTH);
  report.status.forEach((n, i) => {
    v[i] = n;
  });
  report.local.forEach((n, i) => {
    v[LOCAL_AT + i] = n;
  });
  v[FAULTED_AT] = report.faulted;
  report.latency.forEach((n, i) => {
    v[LATENCY_AT + i] = n;
  });
  return v;
}

/** One workload's seconds (epoch second -> counts); a second with no traffic has no entry. */
export class OutcomeRing {
  readonly seconds = new Map<number, Float64Array>();

  add(second: number, counts: Float64Array): void {
    const into = this.seconds.get(second);
    if (into) for (let i = 0; i < VECTOR_LENGTH; i++) into[i]! += counts[i]!;
    else this.seconds.set(second, Float64Array.from(counts));
    this.prune(second);
  }

  /** Sets a second as another replica published it (its buckets only grow while the second is recent). */
  set(second: number, counts: Float64Array): void {
    this.seconds.set(second, counts);
  }

  /** Adds the seconds after `fromSecond` up to `toSecond` (inclusive) into `sum`. */
  sumInto(sum: Float64Array, fromSecond: number, toSecond: number): void {
    for (const [second, counts] of this.seconds) {
      if (second <= fromSecond || second > toSecond) continue;
      for (let i = 0; i < VECTOR_LENGTH; i++) sum[i]! += counts[i]!;
    }
  }

  /** Drops seconds older than the longest window; true when nothing is left. */
  prune(nowSecond: number): boolean {
    const oldest = nowSecond - KEPT_SECONDS;
    for (const second of this.seconds.keys()) if (second <= oldest) this.seconds.delete(second);
    return this.seconds.size === 0;
  }
}
