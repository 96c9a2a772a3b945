// Which form of a rule set a data plane receives (docs/wire-format.md "Which form a data plane gets"): the newest
// one it reads, by the `wireVersion` its poll announces, so data planes and control planes can be upgraded in
// either order.
import { serializeCompactRuleSet } from './compact.js';
import { inlineRuleSet, serializeRuleSet } from './compile.js';
import type { CompiledRuleSet } from './types.js';
import { WIRE_COMPACT_VERSION, WIRE_DFA_TABLES_VERSION } from './types.js';

/** `compact`: version 5; `rules`: the rule form with shared tables (versions 1 to 4); `inline`: tables inline (1 to 3). */
export type WireForm = 'compact' | 'rules' | 'inline';

/** The newest form a data plane reading versions 1 to `readerVersion` understands. */
export function wireFormFor(readerVersion: number): WireForm {
  if (readerVersion >= WIRE_COMPACT_VERSION) return 'compact';
  return readerVersion >= WIRE_DFA_TABLES_VERSION ? 'rules' : 'inline';
}

/** The JSON body of `ruleSet` in `form` (a set without regexes is the same in `rules` and `inline`). */
export function serializeRuleSetAs(ruleSet: CompiledRuleSet, form: WireForm): string {
  if (form === 'compact') return serializeCompactRuleSet(ruleSet);
  return serializeRuleSet(form === 'inline' ? inlineRuleSet(ruleSet) : ruleSet);
}
