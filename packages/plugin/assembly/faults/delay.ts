// The delay kind (docs/policy.md "delay"): loads a rule's delay from the wire; the wait itself is the root
// context's delay queue (../delays.ts), released from the tick.

import { MAX_DELAY_MS } from '../limits';
import { FieldReader } from '../loader/fields';
import { Rule } from '../ruleset';

/** The `delayMs` field of a rule. */
export function readDelayField(fields: FieldReader, rule: Rule): void {
  rule.delayMs = <i32>fields.integer('delayMs', '', 0, <f64>MAX_DELAY_MS);
}

/** How long this request's fault holds it: its rule's delay (0 = none). */
export function delayOf(rule: Rule): i64 {
  return <i64>rule.delayMs;
}
