// Policy and rule-set types: declared once, as schemas, in @hfi/api; re-exported here, where the policy
// model's users have always found them. The decision function's own types follow.
export type {
  AbortFault,
  CompactAbort,
  CompactHeaderMatch,
  CompactPolicy,
  CompactRule,
  CompactRuleSet,
  CompactStringMatch,
  CompiledAbort,
  CompiledDfa,
  CompiledDfaRef,
  CompiledHeaderMatch,
  CompiledRule,
  CompiledRuleSet,
  CompiledStringMatch,
  Fault,
  FaultInjectionPolicy,
  Halt,
  HeaderMatch,
  PolicyMetadata,
  PolicyPhase,
  PolicySpec,
  Rule,
  RuleMatch,
  Selector,
  StopCondition,
  StoredHalt,
  StoredPolicy,
  StringMatch,
} from '@hfi/api';
export { WIRE_COMPACT_VERSION, WIRE_DFA_TABLES_VERSION, WIRE_V2_RULE_FIELDS, WIRE_V3_RULE_FIELDS, WIRE_VERSION } from '@hfi/api/constants';

import type { CompiledAbort, FaultInjectionPolicy, Halt } from '@hfi/api';

/** One validation error: where, and what was expected. */
export interface FieldError {
  /** e.g. `spec.rules[0].fault.percentage` */
  path: string;
  message: string;
  /** Index of the YAML/JSON document within a multi-document file, when parsing files. */
  document?: number;
}

export type ValidationResult = { ok: true; policy: FaultInjectionPolicy } | { ok: false; errors: FieldError[] };

// ---------------------------------------------------------------------------------------------
// Halts: the kill switch. A halt stops every fault on the data planes its selector matches.

/** A POST /v1/halt body once validated (validateHaltRequest): no selector = both fields '*' = everything; reason "" when not given. */
export type HaltRequest = Omit<Halt, 'createdAt'>;

// ---------------------------------------------------------------------------------------------
// The reference decision function's inputs and output.

export interface Identity {
  /** null when it could not be determined: only '*' selectors then apply. */
  service: string | null;
  namespace: string | null;
  pod?: string | null;
}

export interface RequestFacts {
  method: string;
  /** The raw :path, query string included (matching ignores it). */
  path: string;
  /** Lower-cased names; repeated names appear more than once; matchers read the first value. */
  headers: ReadonlyArray<readonly [string, string]>;
}

/** Source of per-million draws: returns an integer in [0, 1_000_000). */
export interface PerMillionSource {
  drawPerMillion(): number;
}

/** The draws a decision takes (docs/wire-format.md "The draws"): the percentage first, then a kind's own. */
export interface DrawSource extends PerMillionSource {
  /** An integer in [0, n), 1 <= n <= 2^32, without bias. */
  drawBelow(n: number): number;
}

/** What a faulted request gets: each kind fills its part (faults/<kind>.ts). */
export interface FaultDecision {
  action: 'fault';
  ruleId: string;
  policy: string;
  ruleIndex: number;
  startDelayMs: number;
  /** This request's delay: the rule's, or drawn from its distribution. */
  delayMs: number;
  abort: CompiledAbort | null;
  /** Present (true) only when the rule resets the stream once the wait is over (faults/reset.ts). */
  reset?: true;
  /** Present only for a response-phase rule (faults/phase.ts): the fault acts on the upstream's response. */
  phase?: 'response';
  /** The upstream statuses it applies to (responseFaulted); absent: any. */
  responseStatus?: { min: number; max: number };
  /** Present (true) only for a dry-run rule: everything above is what would have been done; nothing is. */
  dryRun?: true;
}

export type Decision = { action: 'pass' } | FaultDecision;
