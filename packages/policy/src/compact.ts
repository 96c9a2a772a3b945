// The compact form of a rule set (wire version 5, docs/wire-format.md "The compact form", ADR 0124): the rules of
// the rule form grouped by policy, each policy-level field once, every field at its default left out, matches
// in the policy language's shape. Lossless: expandRuleSet gives back the rule form, so the compiler, the
// reference decision and the tests keep working on one model, and only the bytes sent differ.
import { wireVersionOf } from './compile.js';
import { dfaJson } from './dfa-tables.js';
import type {
  CompactAbort,
  CompactHeaderMatch,
  CompactPolicy,
  CompactRule,
  CompactRuleSet,
  CompactStringMatch,
  CompiledAbort,
  CompiledHeaderMatch,
  CompiledRule,
  CompiledRuleSet,
  CompiledStringMatch,
} from './types.js';
import { WIRE_COMPACT_VERSION } from './types.js';

type PolicyFields = Omit<CompactPolicy, 'rules'>;

/** The set in the compact form (its `hash` is the rule form's: the same rules, the same hash). */
export function compactRuleSet(ruleSet: CompiledRuleSet): CompactRuleSet {
  const policies = policyGroups(ruleSet.rules).map(({ fields, rules }) => ({
    ...fields,
    rules: rules.map((rule, position) => compactRule(rule, position)),
  }));
  const { epoch, version, hash, dfas, halts } = ruleSet;
  return {
    wireVersion: WIRE_COMPACT_VERSION,
    epoch,
    version,
    hash,
    ...(dfas !== undefined ? { dfas } : {}),
    policies,
    ...(halts !== undefined ? { halts } : {}),
  };
}

/**
 * JSON.stringify(compactRuleSet(ruleSet)), byte for byte, but each rule's compact JSON and each policy's fields
 * are computed once per compiled rule object (as the rule form's are, ADR 0003), so serving a new version
 * re-serialises only the rules that changed.
 */
export function serializeCompactRuleSet(ruleSet: CompiledRuleSet): string {
  const head = JSON.stringify({ wireVersion: WIRE_COMPACT_VERSION, epoch: ruleSet.epoch, version: ruleSet.version, hash: ruleSet.hash });
  const dfas = ruleSet.dfas === undefined ? '' : `,"dfas":[${ruleSet.dfas.map(dfaJson).join(',')}]`;
  const halts = ruleSet.halts === undefined ? '' : `,"halts":${JSON.stringify(ruleSet.halts)}`;
  const policies = policyGroups(ruleSet.rules).map(({ rules }) => policyJson(rules));
  return `${head.slice(0, -1)}${dfas},"policies":[${policies.join(',')}]${halts}}`;
}

/** The rule form of a compact set: every default filled in, `id` and `ruleIndex` derived, policy fields on each rule. */
export function expandRuleSet(compact: CompactRuleSet): CompiledRuleSet {
  const rules = compact.policies.flatMap(({ rules: policyRules, ...fields }) =>
    policyRules.map((rule, position) => expandRule(fields, rule, position)),
  );
  const { epoch, version, hash, dfas, halts } = compact;
  return {
    wireVersion: wireVersionOf(rules, dfas ?? []),
    epoch,
    version,
    hash,
    ...(dfas !== undefined ? { dfas } : {}),
    rules,
    ...(halts !== undefined ? { halts } : {}),
  };
}

interface PolicyGroup {
  fields: PolicyFields;
  rules: CompiledRule[];
}

/** Consecutive rules that share every policy-level field (a compiled policy's rules always do). */
function policyGroups(rules: readonly CompiledRule[]): PolicyGroup[] {
  const groups: PolicyGroup[] = [];
  let current: PolicyGroup | undefined;
  for (const rule of rules) {
    if (current === undefined || !samePolicy(current.fields, rule)) {
      current = { fields: policyFields(rule), rules: [] };
      groups.push(current);
    }
    current.rules.push(rule);
  }
  return groups;
}

function policyFields(rule: CompiledRule): PolicyFields {
  const { policy, policyVersion, priority, selector, activeFromMs } = rule;
  return { policy, policyVersion, priority, selector: { service: selector.service, namespace: selector.namespace }, activeFromMs };
}

function samePolicy(fields: PolicyFields, rule: CompiledRule): boolean {
  return (
    fields.policy === rule.policy &&
    fields.policyVersion === rule.policyVersion &&
    fields.priority === rule.priority &&
    fields.selector.service === rule.selector.service &&
    fields.selector.namespace === rule.selector.namespace &&
    fields.activeFromMs === rule.activeFromMs
  );
}

/** A policy's JSON with the rules it was made of, kept by its first rule: an unchanged policy is one lookup. */
interface PolicyJson {
  rules: readonly CompiledRule[];
  json: string;
}
const policyJsonOf = new WeakMap<CompiledRule, PolicyJson>();
/** Per compiled rule, its compact JSON at its own index. */
const ruleJson = new WeakMap<CompiledRule, string>();

function policyJson(rules: readonly CompiledRule[]): string {
  const first = rules[0]!;
  const known = policyJsonOf.get(first);
  if (known !== undefined && known.rules.length === rules.length && known.rules.every((rule, i) => rule === rules[i])) return known.json;
  const json = `${JSON.stringify(policyFields(first)).slice(0, -1)},"rules":[${rules.map(compactRuleJson).join(',')}]}`;
  policyJsonOf.set(first, { rules, json });
  return json;
}

function compactRuleJson(rule: CompiledRule, position: number): string {
  // A rule at its own index (every rule of a compiled policy) is the same JSON in every set it is in.
  if (rule.ruleIndex !== position) return JSON.stringify(compactRule(rule, position));
  let json = ruleJson.get(rule);
  if (json === undefined) {
    json = JSON.stringify(compactRule(rule, position));
    ruleJson.set(rule, json);
  }
  return json;
}

function compactRule(rule: CompiledRule, position: number): CompactRule {
  const {
    id,
    policy,
    ruleIndex,
    priority: _priority,
    policyVersion: _policyVersion,
    selector: _selector,
    activeFromMs: _activeFromMs,
    path,
    method,
    headers,
    perMillion,
    delayMs,
    abort,
    startDelayMs,
    expiresAtMs,
    ...kinds
  } = rule;
  return {
    ...(ruleIndex !== position ? { ruleIndex } : {}),
    ...(id !== `${policy}/${ruleIndex}` ? { id } : {}),
    ...(path !== null ? { path: compactMatch(path, id) } : {}),
    ...(method !== null ? { method: compactMatch(method, id) } : {}),
    ...(headers.length > 0 ? { headers: headers.map((header) => compactHeader(header, id)) } : {}),
    perMillion,
    ...(delayMs !== 0 ? { delayMs } : {}),
    ...(abort !== null ? { abort: compactAbort(abort) } : {}),
    ...(startDelayMs !== 0 ? { startDelayMs } : {}),
    ...(expiresAtMs !== 0 ? { expiresAtMs } : {}),
    ...kinds,
  };
}

function compactMatch(match: CompiledStringMatch, id: string): CompactStringMatch {
  if (match.kind === 'exact') return { exact: match.value };
  if (match.kind === 'prefix') return { prefix: match.value };
  if (typeof match.dfa !== 'number') throw new Error(`rule ${id}: the compact form needs the set's shared dfas, not a table inline`);
  return { regex: match.value, dfa: match.dfa };
}

function compactHeader(header: CompiledHeaderMatch, id: string): CompactHeaderMatch {
  if (header.kind === 'present' || header.kind === 'absent') return { name: header.name, present: header.kind === 'present' };
  return { name: header.name, ...compactMatch(header, id) };
}

function compactAbort(abort: CompiledAbort): CompactAbort {
  const { status, grpcStatus, body, headers } = abort;
  return {
    status,
    ...(grpcStatus !== -1 ? { grpcStatus } : {}),
    ...(body !== '' ? { body } : {}),
    ...(headers.length > 0 ? { headers } : {}),
  };
}

function expandRule(fields: PolicyFields, rule: CompactRule, position: number): CompiledRule {
  const { ruleIndex = position, id, path, method, headers, perMillion, delayMs, abort, startDelayMs, expiresAtMs, ...kinds } = rule;
  const { policy, policyVersion, priority, selector, activeFromMs } = fields;
  return {
    id: id ?? `${policy}/${ruleIndex}`,
    policy,
    ruleIndex,
    priority,
    policyVersion,
    selector: { service: selector.service, namespace: selector.namespace },
    path: path === undefined ? null : expandMatch(path),
    method: method === undefined ? null : expandMatch(method),
    headers: (headers ?? []).map(expandHeader),
    perMillion,
    delayMs: delayMs ?? 0,
    abort:
      abort === undefined
        ? null
        : { status: abort.status, grpcStatus: abort.grpcStatus ?? -1, body: abort.body ?? '', headers: abort.headers ?? [] },
    startDelayMs: startDelayMs ?? 0,
    activeFromMs,
    expiresAtMs: expiresAtMs ?? 0,
    ...kinds,
  };
}

function expandMatch(match: CompactStringMatch): CompiledStringMatch {
  if ('exact' in match) return { kind: 'exact', value: match.exact };
  if ('prefix' in match) return { kind: 'prefix', value: match.prefix };
  return { kind: 'regex', value: match.regex, dfa: match.dfa };
}

function expandHeader(header: CompactHeaderMatch): CompiledHeaderMatch {
  if ('present' in header) return { name: header.name, kind: header.present ? 'present' : 'absent' };
  return { name: header.name, ...expandMatch(header) };
}
