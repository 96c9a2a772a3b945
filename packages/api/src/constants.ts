// The contract's plain values, without a schema library: what code that starts often (hfi-cli through
// @hfi/policy) needs at run time. `@hfi/api/constants` loads no TypeBox.
export { childPath, describe, splitPath } from './describe.js';
export { API_LIMITS, DATA_PLANE_LIMITS, LIMITS } from './limits.js';
export * from './outcome-buckets.js';

/**
 * The newest wire version this code speaks. A rule set carries the lowest version that expresses all its rules
 * (docs/wire-format.md "Wire versions"), so a set of plain delay/abort rules stays version 1.
 */
export const WIRE_VERSION = 5 as const;

/** The wire version from which regexes refer to the set's shared `dfas` tables instead of carrying their own. */
export const WIRE_DFA_TABLES_VERSION = 4 as const;

/**
 * The wire version of the compact form (rules grouped by policy, defaults left out): sent only to data planes that
 * read it; older ones get the rule form of versions 1 to 4 (docs/wire-format.md "Which form a data plane gets").
 */
export const WIRE_COMPACT_VERSION = 5 as const;

/** Entries of a compiled delay distribution's quantile table (docs/wire-format.md "Delay distributions"). */
export const DELAY_TABLE_SIZE = 256;

/** Quantile names a log-normal delay may be given by, with the probability each stands for. */
export const DELAY_QUANTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999 } as const;
export type DelayQuantile = keyof typeof DELAY_QUANTILES;

/**
 * Compiled-rule fields a version-1 data plane would skip and so misapply the rule: a rule set with any of them
 * is wire version 2 (docs/wire-format.md "Wire versions"). Each is absent from rules that do not use it.
 */
export const WIRE_V2_RULE_FIELDS = ['delayDistribution', 'limit', 'reset', 'phase', 'responseStatus', 'overrides', 'windows'] as const;

/**
 * Compiled-rule fields a version-2 data plane would skip and so misapply the rule (it would inject a dry run's
 * faults for real): a rule set with any of them is wire version 3. Each is absent from rules that do not use it.
 */
export const WIRE_V3_RULE_FIELDS = ['dryRun'] as const;
