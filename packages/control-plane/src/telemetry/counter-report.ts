// The fault counters a data plane reports with a poll (docs/wire-format.md "Fault counters"): the deltas it
// has not seen acknowledged, numbered by `seq`. Read leniently: what cannot be used is dropped and said why,
// and the poll is answered all the same; telemetry never cuts off a data plane.

export interface FaultCounts {
  aborts: number;
  delays: number;
}

export interface CounterReport extends FaultCounts {
  /** Grows with every new delta of one instance; a resend (after a lost answer) repeats it. */
  seq: number;
  /** Per rule id (`<policy>/<ruleIndex>`). */
  rules: Map<string, FaultCounts>;
}

/** Why counters were dropped, as the metric's `reason` label. */
type DropReason = 'malformed' | 'too_many_rules' | 'no_seq';

export interface ReadCounters {
  report?: CounterReport;
  dropped?: { reason: DropReason; message: string };
}

/** Rules counted from one report; the plugin sends fewer (docs/plugin.md), so this only stops absurd input. */
export const MAX_COUNTED_RULES = 10_000;
const MAX_RULE_ID_LENGTH = 256;

/** `counters` of a poll body; absent or null means nothing to count. */
export function readCounterReport(value: unknown): ReadCounters {
  if (value === undefined || value === null) return {};
  const malformed = (message: string): ReadCounters => ({ dropped: { reason: 'malformed', message } });
  if (!isRecord(value)) return malformed('counters: expected an object {seq, aborts, delays, rules}');
  if (value.seq === undefined) {
    return { dropped: { reason: 'no_seq', message: 'counters without seq (cumulative counters of an older plugin) are not counted' } };
  }
  if (!isCount(value.seq) || value.seq === 0) return malformed('counters.seq: expected a positive integer');
  if (!isCount(value.aborts ?? 0) || !isCount(value.delays ?? 0))
    return malformed('counters.aborts, counters.delays: expected non-negative integers');
  if (value.rules !== undefined && !isRecord(value.rules)) return malformed('counters.rules: expected an object keyed by rule id');
  const report: CounterReport = {
    seq: value.seq,
    aborts: (value.aborts as number) ?? 0,
    delays: (value.delays as number) ?? 0,
    rules: new Map(),
  };
  let badEntries = 0;
  let excess = 0;
  for (const [id, c] of Object.entries((value.rules ?? {}) as Record<string, unknown>)) {
    if (!isRecord(c) || !isCount(c.aborts ?? 0) || !isCount(c.delays ?? 0) || id === '' || id.length > MAX_RULE_ID_LENGTH) {
      badEntries++;
      continue;
    }
    if (report.rules.size >= MAX_COUNTED_RULES) {
      excess++;
      continue;
    }
    report.rules.set(id, { aborts: (c.aborts as number) ?? 0, delays: (c.delays as number) ?? 0 });
  }
  if (excess > 0) {
    return {
      report,
      dropped: {
        reason: 'too_many_rules',
        message: `counters.rules: ${excess} rules beyond the first ${MAX_COUNTED_RULES} were not counted`,
      },
    };
  }
  if (badEntries > 0)
    return { report, dropped: { reason: 'malformed', message: `counters.rules: ${badEntries} malformed entries were not counted` } };
  return { report };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
