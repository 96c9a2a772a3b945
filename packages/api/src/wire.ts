// The compiled rule set: the data plane's only input (docs/wire-format.md). The plugin reads it with its
// own streaming JSON reader; the numbers it must agree on (WIRE_VERSION, DATA_PLANE_LIMITS) reach it as
// generated AssemblyScript constants.
import { type Static, Type } from '@sinclair/typebox';
import { WIRE_COMPACT_VERSION, WIRE_DFA_TABLES_VERSION, WIRE_V2_RULE_FIELDS, WIRE_V3_RULE_FIELDS, WIRE_VERSION } from './constants.js';
import { CompiledDelayDistribution } from './faults/delay.js';
import { CompiledLimit } from './faults/limit.js';
import { CompiledOverrides } from './faults/overrides.js';
import { CompiledResponseStatus } from './faults/phase.js';
import { CompiledReset } from './faults/reset.js';
import { CompiledWindows } from './faults/schedule.js';
import { Halt } from './halt.js';
import { CLOSED, Nullable, ref } from './schema.js';

export { WIRE_COMPACT_VERSION, WIRE_DFA_TABLES_VERSION, WIRE_V2_RULE_FIELDS, WIRE_V3_RULE_FIELDS, WIRE_VERSION };

/** A DFA over bytes (input bytes are read as Latin-1 code units 0-255). */
export const CompiledDfa = Type.Object(
  {
    states: Type.Integer({ minimum: 1, description: 'state 0 is the start state' }),
    classes: Type.Integer({ minimum: 1, description: 'number of byte classes' }),
    classMap: Type.String({ description: 'base64 of 256 bytes: classMap[byte] = class index' }),
    table: Type.String({ description: 'base64 of states*classes little-endian u16: next state; 0xFFFF = dead' }),
    accept: Type.Array(Type.Integer({ minimum: 0 }), { description: 'sorted accepting state ids' }),
  },
  CLOSED,
);
export type CompiledDfa = Static<typeof CompiledDfa>;

/** Where a regex finds its DFA: an index into the set's `dfas` (wire version 4), or the table itself (versions 1-3). */
export const CompiledDfaRef = Type.Union([
  Type.Integer({ minimum: 0, description: "index into the rule set's dfas (wire version 4)" }),
  CompiledDfa,
]);
export type CompiledDfaRef = Static<typeof CompiledDfaRef>;

const exact = { kind: Type.Literal('exact'), value: Type.String() };
const prefix = { kind: Type.Literal('prefix'), value: Type.String() };
const regex = { kind: Type.Literal('regex'), value: Type.String({ description: 'the source, for people and logs' }), dfa: CompiledDfaRef };

export const CompiledStringMatch = Type.Union([Type.Object(exact, CLOSED), Type.Object(prefix, CLOSED), Type.Object(regex, CLOSED)]);
export type CompiledStringMatch = Static<typeof CompiledStringMatch>;

const name = Type.String({ description: 'lower-case' });
export const CompiledHeaderMatch = Type.Union([
  Type.Object({ name, ...exact }, CLOSED),
  Type.Object({ name, ...prefix }, CLOSED),
  Type.Object({ name, ...regex }, CLOSED),
  Type.Object({ name, kind: Type.Literal('present') }, CLOSED),
  Type.Object({ name, kind: Type.Literal('absent') }, CLOSED),
]);
export type CompiledHeaderMatch = Static<typeof CompiledHeaderMatch>;

export const CompiledAbort = Type.Object(
  {
    status: Type.Integer({ minimum: 200, maximum: 599 }),
    grpcStatus: Type.Integer({ minimum: -1, maximum: 16, description: '-1 when the rule sets no gRPC status' }),
    body: Type.String(),
    headers: Type.Array(Type.Tuple([Type.String(), Type.String()]), { description: 'lower-cased names, sorted by name' }),
  },
  CLOSED,
);
export type CompiledAbort = Static<typeof CompiledAbort>;

const Selector = Type.Object({ service: Type.String(), namespace: Type.String() }, CLOSED);
export const CompiledRule = Type.Object(
  {
    id: Type.String({ description: '`<policy>/<ruleIndex>`: the x-hfi-fault header value and the counters key' }),
    policy: Type.String(),
    ruleIndex: Type.Integer({ minimum: 0 }),
    priority: Type.Integer(),
    policyVersion: Type.String(),
    selector: Selector,
    path: Nullable(CompiledStringMatch),
    method: Nullable(CompiledStringMatch),
    headers: Type.Array(CompiledHeaderMatch),
    perMillion: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'probability in parts per million' }),
    delayMs: Type.Integer({ minimum: 0, description: '0 = no delay (or the delay is drawn from delayDistribution)' }),
    abort: Nullable(CompiledAbort),
    startDelayMs: Type.Integer({ minimum: 0 }),
    activeFromMs: Type.Integer({ minimum: 0, description: 'epoch ms; the rule applies from this instant' }),
    expiresAtMs: Type.Integer({ minimum: 0, description: 'epoch ms; 0 = never expires' }),
    // Wire version 2: present only when used (WIRE_V2_RULE_FIELDS).
    delayDistribution: Type.Optional(CompiledDelayDistribution),
    limit: Type.Optional(CompiledLimit),
    reset: Type.Optional(CompiledReset),
    phase: Type.Optional(Type.Literal('response', { description: 'act after the upstream answered; absent: before' })),
    responseStatus: Type.Optional(CompiledResponseStatus),
    overrides: Type.Optional(CompiledOverrides),
    windows: Type.Optional(CompiledWindows),
    // Wire version 3: present only when used (WIRE_V3_RULE_FIELDS).
    dryRun: Type.Optional(Type.Literal(true, { description: 'match and draw as usual, inject nothing, count the request in wouldInject' })),
  },
  CLOSED,
);
export type CompiledRule = Static<typeof CompiledRule>;

export const CompiledRuleSet = Type.Object(
  {
    wireVersion: Type.Integer({
      minimum: 1,
      maximum: WIRE_DFA_TABLES_VERSION,
      description:
        'the lowest version that expresses every rule of the set (4 when it has dfas, else 3 when a rule has a field of WIRE_V3_RULE_FIELDS, else 2 when one has a field of WIRE_V2_RULE_FIELDS)',
    }),
    epoch: Type.String({ description: "the store's history: a data plane holding another epoch's version takes any version" }),
    version: Type.Integer({ minimum: 0, description: 'grows with every change within one epoch (etcd: the store revision)' }),
    hash: Type.String({ description: 'sha256 hex of the canonical JSON of `dfas` (when present) followed by that of `rules`' }),
    dfas: Type.Optional(
      Type.Array(CompiledDfa, {
        description:
          "wire version 4: the distinct DFA tables the set's regexes refer to by index, each once, before `rules`; absent when no rule has a regex",
      }),
    ),
    rules: Type.Array(CompiledRule, { description: 'in evaluation order' }),
    halts: Type.Optional(
      Type.Array(ref(Halt), {
        description:
          "active halts, absent when there are none (additive within wire version 1); in a data plane's own set, those that cover it, whose rules are left out",
      }),
    ),
  },
  { ...CLOSED, $id: 'CompiledRuleSet', description: 'The compiled rule set (docs/wire-format.md).' },
);
export type CompiledRuleSet = Static<typeof CompiledRuleSet>;

// The compact form (wire version 5, docs/wire-format.md "The compact form"): the same rules grouped by policy, each
// policy-level field once, every field at its default left out, matches in the policy language's own shape.
const tableIndex = Type.Integer({ minimum: 0, description: "index into the rule set's dfas" });
const compactExact = { exact: Type.String() };
const compactPrefix = { prefix: Type.String() };
const compactRegex = { regex: Type.String({ description: 'the source, for people and logs' }), dfa: tableIndex };

export const CompactStringMatch = Type.Union([
  Type.Object(compactExact, CLOSED),
  Type.Object(compactPrefix, CLOSED),
  Type.Object(compactRegex, CLOSED),
]);
export type CompactStringMatch = Static<typeof CompactStringMatch>;

export const CompactHeaderMatch = Type.Union([
  Type.Object({ name, ...compactExact }, CLOSED),
  Type.Object({ name, ...compactPrefix }, CLOSED),
  Type.Object({ name, ...compactRegex }, CLOSED),
  Type.Object({ name, present: Type.Boolean({ description: 'true: the header must be present; false: absent' }) }, CLOSED),
]);
export type CompactHeaderMatch = Static<typeof CompactHeaderMatch>;

export const CompactAbort = Type.Object(
  {
    status: Type.Integer({ minimum: 200, maximum: 599 }),
    grpcStatus: Type.Optional(Type.Integer({ minimum: 0, maximum: 16, description: 'absent: no gRPC status' })),
    body: Type.Optional(Type.String({ description: 'absent: empty' })),
    headers: Type.Optional(
      Type.Array(Type.Tuple([Type.String(), Type.String()]), {
        minItems: 1,
        description: 'lower-cased names, sorted by name; absent: none',
      }),
    ),
  },
  CLOSED,
);
export type CompactAbort = Static<typeof CompactAbort>;

/** A compiled rule without its policy's fields; each field absent stands for its default. */
export const CompactRule = Type.Object(
  {
    ruleIndex: Type.Optional(Type.Integer({ minimum: 0, description: "absent: the rule's position in its policy's rules" })),
    id: Type.Optional(Type.String({ description: 'absent: `<policy>/<ruleIndex>`' })),
    path: Type.Optional(CompactStringMatch),
    method: Type.Optional(CompactStringMatch),
    headers: Type.Optional(Type.Array(CompactHeaderMatch, { minItems: 1, description: 'absent: no header condition' })),
    perMillion: CompiledRule.properties.perMillion,
    delayMs: Type.Optional(Type.Integer({ minimum: 1, description: 'absent: no delay' })),
    abort: Type.Optional(CompactAbort),
    startDelayMs: Type.Optional(Type.Integer({ minimum: 1, description: 'absent: 0' })),
    expiresAtMs: Type.Optional(Type.Integer({ minimum: 1, description: 'epoch ms; absent: never expires' })),
    delayDistribution: Type.Optional(CompiledDelayDistribution),
    limit: Type.Optional(CompiledLimit),
    reset: Type.Optional(CompiledReset),
    phase: CompiledRule.properties.phase,
    responseStatus: Type.Optional(CompiledResponseStatus),
    overrides: Type.Optional(CompiledOverrides),
    windows: Type.Optional(CompiledWindows),
    dryRun: CompiledRule.properties.dryRun,
  },
  CLOSED,
);
export type CompactRule = Static<typeof CompactRule>;

/** One policy's rules, contiguous in evaluation order; its fields come before its `rules` (a data plane streams them). */
export const CompactPolicy = Type.Object(
  {
    policy: Type.String(),
    policyVersion: Type.String(),
    priority: Type.Integer(),
    selector: Selector,
    activeFromMs: CompiledRule.properties.activeFromMs,
    rules: Type.Array(CompactRule, { description: 'in evaluation order; last in the object' }),
  },
  CLOSED,
);
export type CompactPolicy = Static<typeof CompactPolicy>;

export const CompactRuleSet = Type.Object(
  {
    wireVersion: Type.Literal(WIRE_COMPACT_VERSION),
    epoch: CompiledRuleSet.properties.epoch,
    version: CompiledRuleSet.properties.version,
    hash: Type.String({ description: 'the hash of the same set in the rule form (versions 1 to 4): equal sets, equal hashes' }),
    dfas: Type.Optional(
      Type.Array(CompiledDfa, {
        description: "the distinct DFA tables the set's regexes refer to by index, before `policies`; absent when none",
      }),
    ),
    policies: Type.Array(CompactPolicy, { description: "in evaluation order: concatenated, their rules are the rule form's `rules`" }),
    halts: CompiledRuleSet.properties.halts,
  },
  {
    ...CLOSED,
    $id: 'CompactRuleSet',
    description: 'The compiled rule set in the compact form of wire version 5 (docs/wire-format.md "The compact form").',
  },
);
export type CompactRuleSet = Static<typeof CompactRuleSet>;
