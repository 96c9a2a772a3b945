import type { CompiledRule, CompiledRuleSet, Identity, StoredPolicy } from './types.js';
/** One policy's rules in wire form (DFAs built, times absolute). Pure; callers may cache by name+version. */
export function compilePolicyRules(_policy: StoredPolicy): CompiledRule[] {
  throw new Error('not implemented');
}
/** Orders rules (priority desc, policy name, rule index), hashes them, stamps epoch and version. */
export function assembleRuleSet(_rules: ReadonlyArray<readonly CompiledRule[]>, _options: { epoch: string; version: number }): CompiledRuleSet {
  throw new Error('not implemented');
}
/** compilePolicyRules over every policy, then assembleRuleSet. */
export function compileRuleSet(_policies: readonly StoredPolicy[], _options: { epoch: string; version: number }): CompiledRuleSet {
  throw new Error('not implemented');
}
/** The subset whose selectors can match `identity` (same epoch and version, its own hash). */
export function ruleSetForIdentity(_ruleSet: CompiledRuleSet, _identity: Identity): CompiledRuleSet {
  throw new Error('not implemented');
}
