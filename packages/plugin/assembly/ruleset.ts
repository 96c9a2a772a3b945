// The compiled rule set as the plugin holds it (loaded from the wire JSON by loader/ruleset.ts).
// The hot path only reads it: loading validated everything it relies on, so matching can use unchecked
// loads. Rules whose selector cannot match this workload were dropped at load time.

import { EMPTY } from './bytes';
import { RuleCounters } from './counters';
import { HeaderSlots } from './decide';
import { Abort } from './faults/abort';
import { DelayDistribution } from './faults/delay';
import { Limit } from './faults/limit';
import { Overrides } from './faults/overrides';
import { HeaderCondition, StringMatcher } from './matchers';
import { PathIndex } from './path-index';

// Shared by every rule that has none: a loaded set allocates only what it keeps (never mutated).
export const NO_CONDITIONS = new StaticArray<HeaderCondition>(0);

export class Rule {
  // Fields ordered so the object stays small (references, then 32-bit, then 64-bit, then flags).
  /** `<policy>/<ruleIndex>` as UTF-8: the x-hfi-fault value. */
  idBytes: ArrayBuffer = EMPTY;
  path: StringMatcher | null = null;
  method: StringMatcher | null = null;
  headers: StaticArray<HeaderCondition> = NO_CONDITIONS;
  abort: Abort | null = null;
  /** Built on the first abort (abortHeaderPairs). */
  abortPairs: ArrayBuffer | null = null;
  /** Attached on first fault, from the root context's tally (counters.ts). */
  counters: RuleCounters | null = null;
  /** What wire version 2 added to this rule (faults/*.ts); null for a plain delay/abort rule, which so costs nothing more. */
  extra: RuleExtra | null = null;
  perMillion: i32 = 0;
  /** At most MAX_DELAY_MS (24 h) each, so their sum fits an i32. */
  delayMs: i32 = 0;
  startDelayMs: i32 = 0;
  /** Hash of id and policyVersion: equal tags in two sets mean the same rule, unchanged (a policy's rules change only with its version). */
  tag: u64 = 0;
  activeFromMs: i64 = 0;
  expiresAtMs: i64 = 0;
  /** Whether the selector can match this workload (rules that cannot are dropped at load). */
  applies: bool = true;
  /** Already active when the set loaded and never expires: a request needs no clock read for it. */
  alwaysActive: bool = false;

  /** The id as a string (counters' key, log lines): built on demand, the hot path never needs it. */
  get id(): string {
    return String.UTF8.decode(this.idBytes);
  }
}

/** A rule's wire-version-2 parts, each owned by its kind's module in faults/. */
export class RuleExtra {
  /** A drawn delay (faults/delay.ts); null when the delay is fixed. */
  delay: DelayDistribution | null = null;
  /** Counted faults (faults/limit.ts); null when the rule has no limit. */
  limit: Limit | null = null;
  /** The rule resets its requests (faults/reset.ts). */
  reset: bool = false;
  /** The rule acts on the response (faults/phase.ts). */
  responsePhase: bool = false;
  /** Upstream statuses it applies to, both included; 0 = any. */
  statusMin: i32 = 0;
  statusMax: i32 = 0;
  /** Request overrides allowed by its policy (faults/overrides.ts); null when not. */
  overrides: Overrides | null = null;
  /** Schedule windows, flattened start, end, start, end... (faults/schedule.ts); null when the policy has no schedule. */
  windows: StaticArray<i64> | null = null;
  /** The rule only counts what it would have injected (faults/dry-run.ts). */
  dryRun: bool = false;
}

/** Lazily attached: plain rules never get one. */
export function extraOf(rule: Rule): RuleExtra {
  let extra = rule.extra;
  if (extra === null) {
    extra = new RuleExtra();
    rule.extra = extra;
  }
  return extra;
}

// What a set holds until its load fills it in, shared: neither is written (an empty index, slots for no header).
const EMPTY_INDEX = new PathIndex();
const NO_SLOTS = new HeaderSlots(0);

export class RuleSet {
  epoch: string = '';
  version: i64 = 0;
  /** Rules in the whole set as sent. */
  totalRules: i32 = 0;
  /** Rules that can apply to this workload, in evaluation order; none while a halt covers it. */
  rules: Rule[] = [];
  /** A halt in the set covers this workload (docs/wire-format.md "Halts"): its reason, else null. */
  haltReason: string | null = null;
  /** Which rules a request can match, by the start of its path (built once the rules are known). */
  index: PathIndex = EMPTY_INDEX;
  /** Distinct header names the rules read; a condition's `slot` indexes this list. */
  headerNames: ArrayBuffer[] = [];
  /** Per-request cache of those headers' values, sized once the names are known. */
  slots: HeaderSlots = NO_SLOTS;
}
