// Dry runs (docs/policy.md "Dry run"): the `dryRun` field of a rule whose policy has spec.dryRun (wire version 3).
// Such a rule is matched and drawn for exactly as a real one, so the sequence of draws is the same, and then
// injects nothing: the request goes on untouched and is counted in its rule's `wouldInject`. Kind by kind:
// - delay, start_delay_ms: the delay is drawn (distribution) and not waited; nothing enters the delay queue.
// - abort, reset: no local reply, no reset.
// - x-hfi-fault: never added.
// - phase: response: decided at request headers as for a real rule; counted at the response when its status
//   applies (responseStatus), and the response passes untouched.
// - limit: firstRequests and perSecond are taken on the dry-run rule's own counts (that policy version's: a real
//   run, written anew, starts from zero), so wouldInject is what a real run would have faulted; maxActive never
//   binds, since no request of a dry run waits.
// - requestOverrides: the headers are read and removed as for a real rule (the upstream never sees them); the
//   choice is not applied.
// - schedule, expiry: as for a real rule (outside a window, or expired, the rule does not match).
// Plain rules cost nothing: the flag lives in the rule's extra parts.

import { FieldReader } from '../loader/fields';
import { extraOf, Rule } from '../ruleset';

/** The `dryRun` field: `true` (the compiler writes nothing else). */
export function readDryRunField(fields: FieldReader, rule: Rule): void {
  const r = fields.reader;
  const value = r.readBool();
  if (r.failed) return;
  if (!value) fields.fail('dryRun', '', 'expected true (absent when the rule injects)');
  else extraOf(rule).dryRun = true;
}

/** Whether the rule only counts what it would have injected. */
export function isDryRun(rule: Rule): bool {
  const extra = rule.extra;
  if (extra === null) return false;
  return extra.dryRun;
}
