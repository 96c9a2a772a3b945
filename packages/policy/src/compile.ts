// Stored policies -> the wire rule set (docs/wire-format.md). Pure: no clock, no I/O.
import { createHash } from 'node:crypto';
import { dfaJson, inlineTables, shareTables } from './dfa-tables.js';
import { compileLimits } from './faults/limit.js';
import { compileOverrides } from './faults/overrides.js';
import { compileResponseStatus } from './faults/phase.js';
import { compileFaultKinds } from './faults/registry.js';
import { byHaltSelector, haltCovers } from './halt.js';
import { compileRegex, type RegexResult } from './regex/dfa.js';
import { scheduleWindows } from './schedule.js';
import { selects } from './selector.js';
import type {
  CompiledDfa,
  CompiledHeaderMatch,
  CompiledRule,
  CompiledRuleSet,
  CompiledStringMatch,
  FaultInjectionPolicy,
  Halt,
  HeaderMatch,
  Identity,
  StoredPolicy,
  StringMatch,
} from './types.js';
import { WIRE_DFA_TABLES_VERSION, WIRE_V2_RULE_FIELDS, WIRE_V3_RULE_FIELDS } from './types.js';

export interface CompileOptions {
  /** Each regex's DFA (default: built here, through the shared cache); a host may hand in tables built elsewhere. */
  dfaOf?: (source: string) => RegexResult;
  /**
   * Where a scheduled policy's windows start (epoch ms; they reach LIMITS.scheduleHorizonMs on): the control
   * plane passes the current step (scheduleStep(now)); default the policy's activeFrom, so compiling stays pure.
   */
  scheduleFromMs?: number;
}

/** One policy's rules in wire form (DFAs built, times absolute). Pure; callers may cache by name+version. */
export function compilePolicyRules(policy: StoredPolicy, options: CompileOptions = {}): CompiledRule[] {
  const dfaOf = options.dfaOf ?? compileRegex;
  const name = policy.metadata.name;
  const activeFromMs = Date.parse(policy.metadata.updatedAt);
  if (!Number.isFinite(activeFromMs)) {
    throw new Error(`policy ${name}: metadata.updatedAt ${JSON.stringify(policy.metadata.updatedAt)} is not a timestamp`);
  }
  const selector = { service: policy.spec.selector.service, namespace: policy.spec.selector.namespace };
  const overrides = policy.spec.requestOverrides ? { overrides: compileOverrides(policy.spec.requestOverrides) } : {};
  const schedule = policy.spec.schedule;
  const dryRun = policy.spec.dryRun ? { dryRun: true as const } : {};
  return policy.spec.rules.map((rule, ruleIndex): CompiledRule => {
    const where = `policy ${name} rule ${ruleIndex}`;
    const fault = rule.fault;
    const expiresAtMs = fault.duration_seconds > 0 ? activeFromMs + fault.duration_seconds * 1000 : 0;
    return {
      id: `${name}/${ruleIndex}`,
      policy: name,
      ruleIndex,
      priority: policy.spec.priority,
      policyVersion: policy.metadata.version,
      selector,
      path: rule.match?.path ? compileStringMatch(rule.match.path, `${where} path`, dfaOf) : null,
      method: rule.match?.method ? compileStringMatch(rule.match.method, `${where} method`, dfaOf) : null,
      headers: (rule.match?.headers ?? []).map((header) => compileHeaderMatch(header, `${where} header ${header.name}`, dfaOf)),
      perMillion: Math.round(fault.percentage * 10_000),
      ...compileFaultKinds(fault),
      startDelayMs: fault.start_delay_ms,
      activeFromMs,
      expiresAtMs,
      ...compileLimits(fault),
      ...(rule.match?.responseStatus !== undefined ? { responseStatus: compileResponseStatus(rule.match.responseStatus) } : {}),
      ...overrides,
      ...(schedule ? { windows: scheduleWindows(schedule, options.scheduleFromMs ?? activeFromMs, activeFromMs, expiresAtMs) } : {}),
      ...dryRun,
    };
  });
}

function compileStringMatch(match: StringMatch, where: string, dfaOf: (source: string) => RegexResult): CompiledStringMatch {
  if ('exact' in match) return { kind: 'exact', value: match.exact };
  if ('prefix' in match) return { kind: 'prefix', value: match.prefix };
  const compiled = dfaOf(match.regex);
  // Stored policies were validated on the way in; a refusal here means the store holds something validation never saw.
  if (!compiled.ok) throw new Error(`${where}: regex ${compiled.reason}`);
  return { kind: 'regex', value: match.regex, dfa: compiled.dfa };
}

function compileHeaderMatch(header: HeaderMatch, where: string, dfaOf: (source: string) => RegexResult): CompiledHeaderMatch {
  const name = header.name.toLowerCase();
  if ('present' in header) return { name, kind: header.present ? 'present' : 'absent' };
  return { name, ...compileStringMatch(header, where, dfaOf) };
}

/** Every regex source of a (validated) policy, each once: what compiling it needs built. */
export function policyRegexSources(policy: FaultInjectionPolicy): string[] {
  const sources = new Set<string>();
  for (const rule of policy.spec.rules) {
    const match = rule.match;
    if (!match) continue;
    for (const matcher of [match.path, match.method, ...(match.headers ?? [])]) {
      if (matcher && 'regex' in matcher) sources.add(matcher.regex);
    }
  }
  return [...sources];
}

export interface RuleSetHeader {
  epoch: string;
  version: number;
  /** Active halts; none when absent. */
  halts?: readonly Halt[];
}

/**
 * Orders rules (priority desc, policy name, rule index), shares their DFA tables, hashes them, stamps epoch, version
 * and the halts. Rules of an earlier set assembled here may be passed again (the control plane's incremental assembly).
 */
export function assembleRuleSet(rules: ReadonlyArray<readonly CompiledRule[]>, header: RuleSetHeader): CompiledRuleSet {
  const ordered = rules
    .flat()
    .map((rule) => inlineTables(rule, undefined))
    .sort(evaluationOrder);
  return withHalts(wireRuleSet(ordered, header.epoch, header.version), header.halts ?? []);
}

/** The set of `rules` (in evaluation order, tables inline): `dfas` only when a rule has a regex. */
function wireRuleSet(rules: readonly CompiledRule[], epoch: string, version: number): CompiledRuleSet {
  const shared = shareTables(rules);
  const head = { wireVersion: wireVersionOf(shared.rules, shared.dfas), epoch, version, hash: hashRules(shared.rules, shared.dfas) };
  return shared.dfas.length === 0 ? { ...head, rules: shared.rules } : { ...head, dfas: shared.dfas, rules: shared.rules };
}

/** compilePolicyRules over every policy, then assembleRuleSet. */
export function compileRuleSet(policies: readonly StoredPolicy[], header: RuleSetHeader): CompiledRuleSet {
  return assembleRuleSet(
    policies.map((policy) => compilePolicyRules(policy)),
    header,
  );
}

/**
 * What one data plane receives: the rules whose selectors can match `identity`, none at all when a halt
 * covers it, and the halts that cover it (same epoch and version, its own hash).
 */
export function ruleSetForIdentity(ruleSet: CompiledRuleSet, identity: Identity): CompiledRuleSet {
  const all = ruleSet.halts ?? [];
  const halts = all.filter((halt) => haltCovers(halt, identity));
  const rules =
    halts.length > 0
      ? []
      : ruleSet.rules.filter(
          (rule) => selects(rule.selector.service, identity.service) && selects(rule.selector.namespace, identity.namespace),
        );
  if (rules.length === ruleSet.rules.length && halts.length === all.length) return ruleSet;
  // Only the tables its own rules use, re-indexed.
  const inline = rules.map((rule) => inlineTables(rule, ruleSet.dfas));
  return withHalts(wireRuleSet(inline, ruleSet.epoch, ruleSet.version), halts);
}

/**
 * The set with each regex's table inline, as versions 1 to 3 carried them (no `dfas`), stamped with the lowest of those
 * versions that expresses it: what a data plane older than version 4 reads. Same rules, same hash.
 */
export function inlineRuleSet(ruleSet: CompiledRuleSet): CompiledRuleSet {
  if (ruleSet.dfas === undefined) return ruleSet;
  const { dfas, rules: shared, ...head } = ruleSet;
  const rules = shared.map((rule) => inlineTables(rule, dfas));
  return { ...head, wireVersion: wireVersionOf(rules, []), rules };
}

/**
 * The lowest wire version that expresses the set: 1 unless a rule has a field an older data plane would ignore and
 * so misapply, or the set has shared DFA tables (docs/wire-format.md "Wire versions"). Plain delay/abort sets stay
 * readable by old plugins.
 */
export function wireVersionOf(rules: readonly CompiledRule[], dfas: readonly CompiledDfa[]): number {
  if (dfas.length > 0) return WIRE_DFA_TABLES_VERSION;
  let version = 1;
  for (const rule of rules) {
    if (WIRE_V3_RULE_FIELDS.some((field) => rule[field] !== undefined)) return 3;
    if (WIRE_V2_RULE_FIELDS.some((field) => rule[field] !== undefined)) version = 2;
  }
  return version;
}

/** `halts` is present only when there are some, so a set without halts is byte for byte what it was before halts existed. */
function withHalts(ruleSet: CompiledRuleSet, halts: readonly Halt[]): CompiledRuleSet {
  if (halts.length === 0) return ruleSet;
  return { ...ruleSet, halts: [...halts].sort(byHaltSelector).map(wireHalt) };
}

/** Only the fields of the wire form, in a fixed order (a stored halt also carries its version). */
function wireHalt(halt: Halt): Halt {
  const { selector, reason, createdAt, actor } = halt;
  return {
    selector: { service: selector.service, namespace: selector.namespace },
    reason,
    createdAt,
    ...(actor !== undefined ? { actor } : {}),
  };
}

function evaluationOrder(a: CompiledRule, b: CompiledRule): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.policy !== b.policy) return compareCodeUnits(a.policy, b.policy);
  return a.ruleIndex - b.ruleIndex;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each compiled rule's JSON, computed once: rule objects are immutable and shared between a set and its subsets. */
const ruleJson = new WeakMap<CompiledRule, string>();

function jsonOf(rule: CompiledRule): string {
  let json = ruleJson.get(rule);
  if (json === undefined) {
    json = JSON.stringify(rule);
    ruleJson.set(rule, json);
  }
  return json;
}

/**
 * sha256 of JSON.stringify(rules), fed rule by rule: the bytes hashed are exactly `[r0,r1,...]`, preceded by
 * `[d0,d1,...]` (JSON.stringify(dfas)) when the set has tables.
 */
function hashRules(rules: readonly CompiledRule[], dfas: readonly CompiledDfa[]): string {
  const hash = createHash('sha256');
  if (dfas.length > 0) hash.update(`[${dfas.map(dfaJson).join(',')}]`);
  hash.update('[');
  rules.forEach((rule, i) => {
    if (i > 0) hash.update(',');
    hash.update(jsonOf(rule));
  });
  return hash.update(']').digest('hex');
}

/**
 * The rule set as the JSON body a data plane receives; byte-identical to JSON.stringify(ruleSet), but reuses each
 * rule's cached JSON, so serving many identities and versions does not re-serialise unchanged rules.
 */
export function serializeRuleSet(ruleSet: CompiledRuleSet): string {
  const head = JSON.stringify({ wireVersion: ruleSet.wireVersion, epoch: ruleSet.epoch, version: ruleSet.version, hash: ruleSet.hash });
  const dfas = ruleSet.dfas === undefined ? '' : `,"dfas":[${ruleSet.dfas.map(dfaJson).join(',')}]`;
  const halts = ruleSet.halts === undefined ? '' : `,"halts":${JSON.stringify(ruleSet.halts)}`;
  return `${head.slice(0, -1)}${dfas},"rules":[${ruleSet.rules.map(jsonOf).join(',')}]${halts}}`;
}
