// The reference decision function (docs/wire-format.md "Evaluating a request"): the oracle the wasm plugin is
// tested against. A rule set is turned into closures once (cached per rule-set object); each request then runs
// early-return checks only.
import { inlineTables } from './dfa-tables.js';
import type { DecisionStep } from './faults/kind.js';
import { CountedFaults } from './faults/limit.js';
import { applyOverrides } from './faults/overrides.js';
import { decisionSteps } from './faults/registry.js';
import { haltCovers } from './halt.js';
import { dfaRunner } from './regex/match.js';
import { inWindow } from './schedule.js';
import { selects } from './selector.js';
import type {
  CompiledDfa,
  CompiledHeaderMatch,
  CompiledRule,
  CompiledRuleSet,
  CompiledStringMatch,
  Decision,
  DrawSource,
  FaultDecision,
  Identity,
  RequestFacts,
} from './types.js';

const FULL = 1_000_000;

type Headers = ReadonlyMap<string, string>;
type Predicate = (path: string, method: string, headers: Headers) => boolean;

interface PreparedRule {
  rule: CompiledRule;
  matches: Predicate;
  fault: FaultDecision;
  /** The kinds' per-request steps (faults/<kind>.ts decision); empty for a plain rule. */
  steps: DecisionStep[];
}

interface PreparedRuleSet {
  rules: PreparedRule[];
  needsHeaders: boolean;
}

const prepared = new WeakMap<CompiledRuleSet, PreparedRuleSet>();

/**
 * The reference decision function: the oracle the wasm plugin is tested against. See docs/wire-format.md.
 * `counted` holds one worker's counts for rules with limits (docs/wire-format.md "Counted faults"); pass the
 * same one for every request of that worker. Without it, a request is decided as a worker's first would be.
 */
export function decideFault(
  ruleSet: CompiledRuleSet,
  request: RequestFacts,
  identity: Identity,
  nowMs: number,
  random: DrawSource,
  counted: CountedFaults = new CountedFaults(),
): Decision {
  // A halt covering this data plane empties its rule set (docs/wire-format.md "Halts").
  if (ruleSet.halts?.some((halt) => haltCovers(halt, identity))) return PASS;
  const plan = prepare(ruleSet);
  const query = request.path.indexOf('?');
  const path = query === -1 ? request.path : request.path.slice(0, query);
  const headers = plan.needsHeaders ? firstValues(request.headers) : EMPTY_HEADERS;
  for (const entry of plan.rules) {
    const rule = entry.rule;
    if (!selects(rule.selector.service, identity.service) || !selects(rule.selector.namespace, identity.namespace)) continue;
    if (nowMs < rule.activeFromMs || (rule.expiresAtMs !== 0 && nowMs >= rule.expiresAtMs)) continue;
    if (rule.windows !== undefined && !inWindow(rule.windows, nowMs)) continue;
    if (!entry.matches(path, request.method, headers)) continue;
    // First match decides: no fall-through to later rules, whatever the draw says.
    if (rule.perMillion <= 0) return PASS;
    if (rule.perMillion < FULL && random.drawPerMillion() >= rule.perMillion) return PASS;
    // The limits count only requests the draw picked; one over a limit passes, and takes no more draws.
    const limit = rule.limit;
    if (limit !== undefined && !counted.admit(rule, limit, nowMs)) return PASS;
    // Then each kind takes its own draws, in registry order (docs/wire-format.md "The draws").
    let decision = entry.fault;
    for (const step of entry.steps) decision = step(random, decision);
    if (rule.overrides) decision = applyOverrides(rule, decision, headers);
    // A dry run holds no request, so maxActive never binds it (docs/policy.md "Dry run").
    if (limit !== undefined && limit.maxActive > 0 && rule.dryRun === undefined) {
      counted.held(rule, nowMs + decision.startDelayMs + decision.delayMs);
    }
    return decision;
  }
  return PASS;
}

const PASS: Decision = Object.freeze({ action: 'pass' });
const EMPTY_HEADERS: Headers = new Map();

function prepare(ruleSet: CompiledRuleSet): PreparedRuleSet {
  let plan = prepared.get(ruleSet);
  if (!plan) {
    plan = {
      rules: ruleSet.rules.map((rule) => ({
        rule,
        matches: rulePredicate(inlineTables(rule, ruleSet.dfas)),
        fault: faultDecision(rule),
        steps: decisionSteps(rule),
      })),
      needsHeaders: ruleSet.rules.some((rule) => rule.headers.length > 0 || rule.overrides !== undefined),
    };
    prepared.set(ruleSet, plan);
  }
  return plan;
}

function faultDecision(rule: CompiledRule): FaultDecision {
  return {
    action: 'fault',
    ruleId: rule.id,
    policy: rule.policy,
    ruleIndex: rule.ruleIndex,
    startDelayMs: rule.startDelayMs,
    delayMs: rule.delayMs,
    abort: rule.abort,
    ...(rule.dryRun ? { dryRun: true as const } : {}),
  };
}

function rulePredicate(rule: CompiledRule): Predicate {
  const path = rule.path ? stringPredicate(rule.path) : undefined;
  const method = rule.method ? stringPredicate(rule.method) : undefined;
  const headers = rule.headers.map(headerPredicate);
  return (requestPath, requestMethod, requestHeaders) => {
    if (path && !path(requestPath)) return false;
    if (method && !method(requestMethod)) return false;
    for (const header of headers) if (!header(requestHeaders)) return false;
    return true;
  };
}

function stringPredicate(match: CompiledStringMatch): (value: string) => boolean {
  switch (match.kind) {
    case 'exact':
      return (value) => value === match.value;
    case 'prefix':
      return (value) => value.startsWith(match.value);
    case 'regex': {
      // Tables are inline here (prepare resolves a set's shared ones).
      const runner = dfaRunner(match.dfa as CompiledDfa);
      return (value) => runner.matches(value);
    }
  }
}

function headerPredicate(match: CompiledHeaderMatch): (headers: Headers) => boolean {
  const name = match.name;
  switch (match.kind) {
    case 'present':
      return (headers) => headers.has(name);
    case 'absent':
      return (headers) => !headers.has(name);
    default: {
      const test = stringPredicate(match);
      return (headers) => {
        const value = headers.get(name);
        return value !== undefined && test(value);
      };
    }
  }
}

/** The first value of each header: matchers read only that one (as the plugin does). */
function firstValues(headers: RequestFacts['headers']): Headers {
  const first = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (!first.has(key)) first.set(key, value);
  }
  return first;
}
