// The one place policy and rule-set types are declared. Server, CLI and tests import them from here;
// the wasm plugin follows docs/wire-format.md, which documents CompiledRuleSet.

/** A string matcher as users write it: exactly one key. */
export type StringMatch = { exact: string } | { prefix: string } | { regex: string };

/** A header matcher: `name` plus exactly one of exact / prefix / regex / present. */
export type HeaderMatch =
  | { name: string; exact: string }
  | { name: string; prefix: string }
  | { name: string; regex: string }
  | { name: string; present: boolean };

export interface RuleMatch {
  path?: StringMatch;
  method?: StringMatch;
  /** All must hold. Canonical form: header names lower-cased. */
  headers?: HeaderMatch[];
}

export interface AbortFault {
  httpStatus: number;
  grpcStatus?: number;
  body?: string;
  /** Canonical form: names lower-cased. */
  headers?: Record<string, string>;
}

/** Canonical fault: one spelling per concept (the seed's `fixedDelay`/`delay_ms` forms normalise to this). */
export interface Fault {
  /** 0-100, fractions down to 0.0001. */
  percentage: number;
  delay?: { fixed_delay_ms: number };
  abort?: AbortFault;
  /** Per request: wait this long before the fault is executed. Canonical: always present, 0 = none. */
  start_delay_ms: number;
  /** Counted from the policy's latest write (metadata.updatedAt). Canonical: always present, 0 = until deleted. */
  duration_seconds: number;
}

export interface Rule {
  /** Canonical form: omitted when the rule matches every request. */
  match?: RuleMatch;
  fault: Fault;
}

export interface Selector {
  /** '*' means every service. Canonical: always present. */
  service: string;
  /** '*' means every namespace. Canonical: always present. */
  namespace: string;
}

export interface PolicyMetadata {
  /** DNS-1123 label. */
  name: string;
  labels?: Record<string, string>;
  /** Assigned by the server on each write; a client sending it asks for optimistic concurrency. */
  version?: string;
  /** ISO-8601, assigned by the server. */
  createdAt?: string;
  /** ISO-8601, assigned by the server on each write; time windows count from it. */
  updatedAt?: string;
}

export interface PolicySpec {
  selector: Selector;
  /** Higher first. Canonical: always present, default 0. */
  priority: number;
  rules: Rule[];
}

/** The canonical form the API returns and stores. */
export interface FaultInjectionPolicy {
  apiVersion: 'v1';
  kind: 'FaultInjectionPolicy';
  metadata: PolicyMetadata;
  spec: PolicySpec;
}

/** A policy as stored: server fields are present. */
export interface StoredPolicy extends FaultInjectionPolicy {
  metadata: PolicyMetadata & { version: string; createdAt: string; updatedAt: string };
}

/** One validation error: where, and what was expected. */
export interface FieldError {
  /** e.g. `spec.rules[0].fault.percentage` */
  path: string;
  message: string;
  /** Index of the YAML/JSON document within a multi-document file, when parsing files. */
  document?: number;
}

export type ValidationResult = { ok: true; policy: FaultInjectionPolicy } | { ok: false; errors: FieldError[] };

/** A policy's phase as the API reports it: from its time window, the data planes, and the halts. */
export type PolicyPhase = 'Pending' | 'Active' | 'Expired' | 'Halted';

// ---------------------------------------------------------------------------------------------
// Halts: the kill switch. A halt stops every fault on the data planes its selector matches.

/** What POST /v1/halt asks for (validateHaltRequest): no selector = everything. */
export interface HaltRequest {
  /** '*' in a field matches any data plane; both '*' halt everything. */
  selector: Selector;
  /** Why, for whoever looks later ("" when not given). */
  reason: string;
  /** Who asked, when the client says so. */
  actor?: string;
}

/** A halt as it travels in the rule set (docs/wire-format.md "Halts"). */
export interface Halt extends HaltRequest {
  /** ISO-8601: when this selector was first halted (halting it again keeps it). */
  createdAt: string;
}

/** A halt as stored: `version` is the store revision of its latest write (it bumps the rule-set version). */
export interface StoredHalt extends Halt {
  version: string;
}

// ---------------------------------------------------------------------------------------------
// The compiled rule set: the data plane's only input. See docs/wire-format.md.

export const WIRE_VERSION = 1;

/** A DFA over bytes (input bytes are read as Latin-1 code units 0-255). */
export interface CompiledDfa {
  /** Number of states; state 0 is the start state. */
  states: number;
  /** Number of byte classes. */
  classes: number;
  /** base64 of 256 bytes: classMap[byte] = class index. */
  classMap: string;
  /** base64 of states*classes little-endian u16: table[state*classes + class] = next state; 0xFFFF = dead. */
  table: string;
  /** Sorted accepting state ids. */
  accept: number[];
}

export type CompiledStringMatch =
  | { kind: 'exact'; value: string }
  | { kind: 'prefix'; value: string }
  | { kind: 'regex'; value: string; dfa: CompiledDfa };

export type CompiledHeaderMatch =
  | ({ name: string } & CompiledStringMatch)
  | { name: string; kind: 'present' }
  | { name: string; kind: 'absent' };

export interface CompiledAbort {
  status: number;
  /** -1 when the rule sets no gRPC status. */
  grpcStatus: number;
  body: string;
  /** Lower-cased names, sorted by name. */
  headers: [string, string][];
}

export interface CompiledRule {
  /** `<policy>/<ruleIndex>`: the x-hfi-fault header value and the counters' key. */
  id: string;
  policy: string;
  ruleIndex: number;
  priority: number;
  policyVersion: string;
  selector: Selector;
  path: CompiledStringMatch | null;
  method: CompiledStringMatch | null;
  headers: CompiledHeaderMatch[];
  /** Probability in parts per million, 0..1_000_000. */
  perMillion: number;
  /** 0 = no delay. */
  delayMs: number;
  abort: CompiledAbort | null;
  startDelayMs: number;
  /** Epoch ms; the rule applies from this instant. */
  activeFromMs: number;
  /** Epoch ms; 0 = never expires. */
  expiresAtMs: number;
}

export interface CompiledRuleSet {
  wireVersion: typeof WIRE_VERSION;
  /** Identifies the store's history: a data plane holding another epoch's version takes any version. */
  epoch: string;
  /** Grows with every change within one epoch (etcd: the store revision). */
  version: number;
  /** sha256 hex of the canonical JSON of `rules`. */
  hash: string;
  rules: CompiledRule[];
  /**
   * Active halts (absent when there are none; an additive field: old data planes ignore it). In a data
   * plane's own set: the halts that cover it, whose rules are already left out.
   */
  halts?: Halt[];
}

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

export type Decision =
  | { action: 'pass' }
  | {
      action: 'fault';
      ruleId: string;
      policy: string;
      ruleIndex: number;
      startDelayMs: number;
      delayMs: number;
      abort: CompiledAbort | null;
    };
