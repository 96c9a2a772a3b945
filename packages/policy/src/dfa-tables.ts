// A rule set's shared DFA tables (docs/wire-format.md "DFA tables", wire version 4): each distinct table once in
// `dfas`, regexes referring to it by index. Compiled rules keep their table objects; the wire rules that refer by
// index are derived here per set, and remembered, so that an unchanged rule at an unchanged index is reused
// (with its cached JSON) by the next set.
import type { CompiledDfa, CompiledDfaRef, CompiledHeaderMatch, CompiledRule, CompiledStringMatch } from './types.js';

export interface SharedTables {
  /** Distinct tables, in order of first use by `rules`. */
  dfas: CompiledDfa[];
  /** The rules, each regex's `dfa` an index into `dfas`; a rule without a regex is the compiled rule itself. */
  rules: CompiledRule[];
}

/** A table's canonical form (fixed key order) and its JSON, which is also its identity: equal JSON, one table. */
interface Canonical {
  dfa: CompiledDfa;
  json: string;
}
const canonicalOf = new WeakMap<CompiledDfa, Canonical>();

function canonical(dfa: CompiledDfa): Canonical {
  let found = canonicalOf.get(dfa);
  if (found === undefined) {
    const { states, classes, classMap, table, accept } = dfa;
    const fixed: CompiledDfa = { states, classes, classMap, table, accept };
    const json = JSON.stringify(fixed);
    // A table already in that form (every table the compiler builds) is shared as it is.
    found = { dfa: JSON.stringify(dfa) === json ? dfa : Object.freeze(fixed), json };
    canonicalOf.set(dfa, found);
    canonicalOf.set(found.dfa, found);
  }
  return found;
}

/** The JSON of a table as it appears in `dfas`. */
export function dfaJson(dfa: CompiledDfa): string {
  return canonical(dfa).json;
}

/** Per wire rule, the compiled rule (tables inline) it was derived from. */
const sourceOf = new WeakMap<CompiledRule, CompiledRule>();
/** Per compiled rule, its recent wire rules by the indices they were derived with (the whole set's, a few identities'). */
const wireRules = new WeakMap<CompiledRule, Map<string, CompiledRule>>();
const WIRE_RULES_KEPT = 16;

/**
 * The rule with every table inline: a wire rule of a set assembled here maps back to its compiled rule; one read
 * from elsewhere (a fixture, a parsed body) is resolved through its set's `dfas`.
 */
export function inlineTables(rule: CompiledRule, dfas: readonly CompiledDfa[] | undefined): CompiledRule {
  const source = sourceOf.get(rule);
  if (source !== undefined) return source;
  if (!regexes(rule).some((match) => typeof match.dfa === 'number')) return rule;
  const table = (ref: CompiledDfaRef): CompiledDfa => {
    if (typeof ref !== 'number') return ref;
    const dfa = dfas?.[ref];
    if (dfa === undefined) throw new Error(`rule ${rule.id}: dfa ${ref} is not in the set's dfas`);
    return dfa;
  };
  return withRefs(rule, table);
}

/** Shares the tables of `rules` (compiled rules, tables inline): each distinct table once, referred to by index. */
export function shareTables(rules: readonly CompiledRule[]): SharedTables {
  const dfas: CompiledDfa[] = [];
  const indexOf = new Map<string, number>();
  const out = rules.map((rule) => {
    const matches = regexes(rule);
    if (matches.length === 0) return rule;
    const indices = matches.map((match) => {
      if (typeof match.dfa === 'number') throw new Error(`rule ${rule.id}: dfa ${match.dfa} refers to another set's tables`);
      const { dfa, json } = canonical(match.dfa);
      let index = indexOf.get(json);
      if (index === undefined) {
        index = dfas.length;
        dfas.push(dfa);
        indexOf.set(json, index);
      }
      return index;
    });
    const key = indices.join(',');
    let recent = wireRules.get(rule);
    const known = recent?.get(key);
    if (known !== undefined) return known;
    let next = 0;
    const wire = withRefs(rule, () => indices[next++]!);
    sourceOf.set(wire, rule);
    if (recent === undefined || recent.size >= WIRE_RULES_KEPT) {
      recent = new Map();
      wireRules.set(rule, recent);
    }
    recent.set(key, wire);
    return wire;
  });
  return { dfas, rules: out };
}

/** The regex matches of a rule, in a fixed order: path, method, headers. */
function regexes(rule: CompiledRule): Extract<CompiledStringMatch, { kind: 'regex' }>[] {
  const found: Extract<CompiledStringMatch, { kind: 'regex' }>[] = [];
  if (rule.path?.kind === 'regex') found.push(rule.path);
  if (rule.method?.kind === 'regex') found.push(rule.method);
  for (const header of rule.headers) if (header.kind === 'regex') found.push(header);
  return found;
}

/** A copy of `rule` whose regexes' `dfa` is `ref(dfa)`, visited in the order of `regexes`; keys keep their order. */
function withRefs<T extends CompiledDfaRef>(rule: CompiledRule, ref: (dfa: CompiledDfaRef) => T): CompiledRule {
  const match = <M extends CompiledStringMatch | CompiledHeaderMatch>(m: M): M => (m.kind === 'regex' ? { ...m, dfa: ref(m.dfa) } : m);
  const path = rule.path === null ? null : match(rule.path);
  const method = rule.method === null ? null : match(rule.method);
  return { ...rule, path, method, headers: rule.headers.map(match) };
}
