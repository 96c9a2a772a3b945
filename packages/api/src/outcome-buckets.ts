// What a data plane observes of every request (docs/outcomes.md), declared once: the plugin's constants
// are generated from these (packages/plugin/scripts/generate-contract.mjs), the control plane reads
// reports and merges histograms with them.

/** Response status classes, in report order; "other" is 1xx, an unreadable status, or no response at all. */
export const OUTCOME_STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'other'] as const;
export type OutcomeStatusClass = (typeof OUTCOME_STATUS_CLASSES)[number];

/** The first latency bucket's upper bound, in microseconds. */
const FIRST_BOUND_US = 250;
/** Latency buckets before the overflow one: bounds from 250 µs by a factor of √2 up to ~185 s. */
const LATENCY_BOUND_COUNT = 40;

/**
 * Upper bounds (inclusive, µs) of the latency buckets, log-spaced by √2: a percentile read from a merged
 * histogram is the upper bound of its bucket, at most √2 (41%) above the true value. The histogram has one
 * more bucket, for latencies above the last bound.
 */
export const LATENCY_BUCKET_BOUNDS_US: readonly number[] = Object.freeze(
  Array.from({ length: LATENCY_BOUND_COUNT }, (_, i) => Math.round(FIRST_BOUND_US * 2 ** (i / 2))),
);
/** Buckets of a latency histogram: one per bound and the overflow. */
export const LATENCY_BUCKETS = LATENCY_BOUND_COUNT + 1;

/** How often a data plane sends its outcomes at most (POST /v1/dataplane/report), while it has any. */
export const OUTCOME_REPORT_INTERVAL_MS = 2000;

/** The sliding windows GET /v1/workloads answers: 1 s buckets, the longest window 10 minutes. */
export const OUTCOME_WINDOWS = { bucketMs: 1000, minMs: 1000, maxMs: 10 * 60_000, defaultMs: 60_000 } as const;

/** Workloads one replica keeps figures for (and so metric label sets); reports of further ones are dropped. */
export const MAX_WORKLOADS = 200;
