// Compiler throughput: 10,000 policies x 3 rules (prefix, exact, regex and header matchers mixed), with regexes from
// a pool of 50 patterns and with every policy's regexes distinct. Also validation throughput, ruleSetForIdentity and
// decideFault cost. Run: npm run bench -w @hfi/policy (after building).

import type { CompiledRuleSet, StoredPolicy } from '../src/index.js';
import {
  assembleRuleSet,
  buildRegex,
  compilePolicyRules,
  compileRuleSet,
  decideFault,
  policyRegexSources,
  type RegexResult,
  ruleSetForIdentity,
  serializeCompactRuleSet,
  serializeRuleSet,
  validatePolicy,
  Xorshift64Star,
} from '../src/index.js';
import { clearRegexCache } from '../src/regex/dfa.js';
import { POLICIES, policyInput, SERVICES, SIZE_GOAL, toStored, UPDATED_AT } from './policies.js';

const GOAL_COMPILE_MS = 1_000;

function timed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

function validateAll(inputs: unknown[]): StoredPolicy[] {
  return inputs.map((input, i) => {
    const result = validatePolicy(input);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return toStored(result.policy, i);
  });
}

function report(label: string, ms: number, goalMs?: number): void {
  const goal = goalMs === undefined ? '' : `  goal ${goalMs} ms, ratio ${(ms / goalMs).toFixed(2)} ${ms <= goalMs ? '(met)' : '(MISSED)'}`;
  console.log(`${label.padEnd(62)} ${ms.toFixed(1).padStart(9)} ms${goal}`);
}

function variant(name: string, distinct: boolean): void {
  console.log(`\n== ${name}: ${POLICIES} policies x 3 rules ==`);
  clearRegexCache();
  const inputs = Array.from({ length: POLICIES }, (_, i) => policyInput(i, distinct));
  const coldValidation = timed(() => validateAll(inputs));
  report('validate (cold regex cache: every DFA built here)', coldValidation.ms);
  const warmValidation = timed(() => validateAll(inputs));
  report(`validate (warm cache) = ${Math.round(POLICIES / (warmValidation.ms / 1000))} policies/s`, warmValidation.ms);
  const stored = coldValidation.result;
  const warm = timed(() => compileRuleSet(stored, { epoch: 'bench', version: 1 }));
  report('compileRuleSet after validation (DFAs cached)', warm.ms, GOAL_COMPILE_MS);
  clearRegexCache();
  const cold = timed(() => compileRuleSet(stored, { epoch: 'bench', version: 1 }));
  report('compileRuleSet, cold cache (DFAs built during compile)', cold.ms, GOAL_COMPILE_MS);
  const ruleSet = cold.result;
  // The control plane's case: every DFA was built once, when its policy was written, and is handed in.
  const tables = new Map<string, RegexResult>();
  for (const p of stored) for (const source of policyRegexSources(p)) tables.set(source, buildRegex(source));
  clearRegexCache();
  const handedIn = timed(() =>
    assembleRuleSet(
      stored.map((p) => compilePolicyRules(p, { dfaOf: (source) => tables.get(source)! })),
      { epoch: 'bench', version: 1 },
    ),
  );
  report('compile with the DFAs built when written (handed in)', handedIn.ms, GOAL_COMPILE_MS);
  // Steady state in the control plane: compiled rules cached per policy name+version, one policy changed.
  const perPolicy = stored.map((policy) => compilePolicyRules(policy));
  assembleRuleSet(perPolicy, { epoch: 'bench', version: 1 }); // the previous version: every rule's JSON now cached
  const changed = toStored(stored[0]!, 999_999);
  perPolicy[0] = compilePolicyRules({ ...changed, metadata: { ...changed.metadata, updatedAt: '2025-11-22T00:00:01.000Z' } });
  const incremental = timed(() => assembleRuleSet(perPolicy, { epoch: 'bench', version: 2 }));
  report('assembleRuleSet after one policy changed (per-policy cache)', incremental.ms, GOAL_COMPILE_MS);
  const serialized = timed(() => serializeRuleSet(incremental.result));
  report('serializeRuleSet (whole set, rule JSON cached)', serialized.ms);
  const compactFirst = timed(() => serializeCompactRuleSet(ruleSet));
  report('serializeCompactRuleSet (whole set, first time: every rule)', compactFirst.ms);
  serializeCompactRuleSet(assembleRuleSet(perPolicy, { epoch: 'bench', version: 1 }));
  const compactIncremental = timed(() => serializeCompactRuleSet(incremental.result));
  report('serializeCompactRuleSet (whole set, one policy changed)', compactIncremental.ms);
  console.log(`rule set: ${ruleSet.rules.length} rules`);
  sizes('whole set', ruleSet);
  const perIdentity = timed(() => {
    let kept = 0;
    for (const service of SERVICES) kept += ruleSetForIdentity(ruleSet, { service, namespace: 'demo' }).rules.length;
    return kept;
  });
  report(
    `ruleSetForIdentity, per identity (avg of ${SERVICES.length}; ~${Math.round(perIdentity.result / SERVICES.length)} rules kept)`,
    perIdentity.ms / SERVICES.length,
  );
  const frontend = ruleSetForIdentity(ruleSet, { service: 'frontend', namespace: 'demo' });
  console.log(`frontend/demo: ${frontend.rules.length} rules`);
  sizes('frontend/demo', frontend);
}

/** The set's JSON in the rule form (wire version 4) and the compact form (5), against the goal of < 8 MB for 30,000 rules. */
function sizes(label: string, ruleSet: CompiledRuleSet): void {
  const rules = Buffer.byteLength(serializeRuleSet(ruleSet));
  const compact = Buffer.byteLength(serializeCompactRuleSet(ruleSet));
  const goal = (SIZE_GOAL.bytes * ruleSet.rules.length) / SIZE_GOAL.rules;
  const dfas = Buffer.byteLength(JSON.stringify(ruleSet.dfas ?? []));
  console.log(
    `${label}: rule form ${rules.toLocaleString('en')} B, compact form ${compact.toLocaleString('en')} B (${(compact / rules).toFixed(2)} of it; dfas ${dfas.toLocaleString('en')} B); goal < ${Math.round(goal).toLocaleString('en')} B, ratio ${(compact / goal).toFixed(2)} ${compact < goal ? '(met)' : '(MISSED)'}`,
  );
}

function decisionCost(): void {
  console.log('\n== decideFault on the pooled rule set, identity frontend/demo ==');
  clearRegexCache();
  const stored = validateAll(Array.from({ length: POLICIES }, (_, i) => policyInput(i, false)));
  const ruleSet = ruleSetForIdentity(compileRuleSet(stored, { epoch: 'bench', version: 1 }), { service: 'frontend', namespace: 'demo' });
  const random = new Xorshift64Star(7n);
  const identity = { service: 'frontend', namespace: 'demo' };
  const now = Date.parse(UPDATED_AT) + 1000;
  const request = {
    method: 'GET',
    path: '/nothing/matches?q=1',
    headers: [
      ['x-user', 'tester'],
      ['x-tenant', 'tenant-3-12'],
    ] as [string, string][],
  };
  decideFault(ruleSet, request, identity, now, random); // builds the per-set plan
  const runs = 2_000;
  const walk = timed(() => {
    for (let i = 0; i < runs; i++) decideFault(ruleSet, request, identity, now, random);
  });
  report(`decideFault, no rule matches (${ruleSet.rules.length} rules walked), per request`, walk.ms / runs);
}

variant('pooled regexes (50 distinct patterns)', false);
variant('distinct regexes (2 per policy, 20,000 distinct)', true);
decisionCost();
