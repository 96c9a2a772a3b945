import type { CompiledRuleSet, Decision, Identity, PerMillionSource, RequestFacts } from './types.js';
/** The reference decision function: the oracle the wasm plugin is tested against. See docs/wire-format.md. */
export function decideFault(_ruleSet: CompiledRuleSet, _request: RequestFacts, _identity: Identity, _nowMs: number, _random: PerMillionSource): Decision {
  throw new Error('not implemented');
}
