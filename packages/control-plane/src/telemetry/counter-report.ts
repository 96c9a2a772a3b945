// The fault counters a data plane reports with a poll (docs/wire-format.md "Fault counters"): the deltas it
// has not seen acknowledged, numbered by `seq`, in the shape of @hfi/api's CounterReport. Read leniently,
// apart from the poll's schema check: what cannot be used is dropped and said why, and the poll is answered
// all the same; telemetry never cuts off a data plane.
import { API_LIMITS, CounterReportTotals, compileChecker, RuleCounts } from '@hfi/api';
import { isRecord } from '@hfi/policy';
import type { FaultTally } from './fault-ledger.js';

export interface CounterReport extends FaultTally {
  /** Grows with every new delta of one instance; a resend (after a lost answer) repeats it. */
  seq: number;
  /** Per rule id (`<policy>/<ruleIndex>`). */
  rules: Map<string, FaultTally>;
}

/** Why counters were dropped, as the metric's `reason` label. */
type DropReason = 'malformed' | 'too_many_rules' | 'no_seq';

export interface ReadCounters {
  report?: CounterReport;
  dropped?: { reason: DropReason; message: string };
}

/** Longer ids are no rule's (`<policy>/<ruleIndex>`: at most 63 + 1 + 2 characters). */
const MAX_RULE_ID_LENGTH = 256;

const totals = compileChecker(CounterReportTotals);
const ruleCounts = compileChecker(RuleCounts);

/** `counters` of a poll body; absent or null means nothing to count. */
export function readCounterReport(value: unknown): ReadCounters {
  if (value === undefined || value === null) return {};
  const malformed = (message: string): ReadCounters => ({ dropped: { reason: 'malformed', message } });
  if (!isRecord(value)) return malformed('counters: expected an object {seq, aborts, delays, rules}');
  if (value.seq === undefined) {
    return { dropped: { reason: 'no_seq', message: 'counters without seq (cumulative counters of an older plugin) are not counted' } };
  }
  const rules = value.rules;
  if (!totals.check(value)) {
    const problem = totals.errors(value)[0];
    return malformed(`counters.${problem?.path}: ${problem?.message}`);
  }
  if (rules !== undefined && !isRecord(rules)) return malformed('counters.rules: expected an object keyed by rule id');
  const report: CounterReport = {
    seq: value.seq,
    aborts: value.aborts ?? 0,
    delays: value.delays ?? 0,
    wouldInject: value.wouldInject ?? 0,
    rules: new Map(),
  };
  let badEntries = 0;
  let excess = 0;
  for (const [id, counts] of Object.entries(rules ?? {})) {
    if (!ruleCounts.check(counts) || id === '' || id.length > MAX_RULE_ID_LENGTH) {
      badEntries++;
      continue;
    }
    if (report.rules.size >= API_LIMITS.countedRulesPerPoll) {
      excess++;
      continue;
    }
    report.rules.set(id, { aborts: counts.aborts ?? 0, delays: counts.delays ?? 0, wouldInject: counts.wouldInject ?? 0 });
  }
  if (excess > 0) {
    return {
      report,
      dropped: {
        reason: 'too_many_rules',
        message: `counters.rules: ${excess} rules beyond the first ${API_LIMITS.countedRulesPerPoll} were not counted`,
      },
    };
  }
  if (badEntries > 0)
    return { report, dropped: { reason: 'malformed', message: `counters.rules: ${badEntries} malformed entries were not counted` } };
  return { report };
}
