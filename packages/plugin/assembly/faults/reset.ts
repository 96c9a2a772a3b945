// The reset kind (docs/policy.md "reset"): the `reset` field of a rule (wire version 2), and resetting the
// stream with proxy_close_stream(HttpRequest), which Envoy turns into decoder_callbacks->resetStream()
// after the callback returns (docs/envoy-facts.md E22). Rules without it cost nothing.

import { StreamType } from '../abi/constants';
import { proxy_close_stream } from '../abi/imports';
import { FieldReader } from '../loader/fields';
import { countReset } from '../metrics';
import { extraOf, Rule } from '../ruleset';
import { Stream } from '../stream';

/** The `reset` field: `true` (the compiler writes nothing else). */
export function readResetField(fields: FieldReader, rule: Rule): void {
  const r = fields.reader;
  const value = r.readBool();
  if (r.failed) return;
  if (!value) fields.fail('reset', '', 'expected true (absent when the rule does not reset)');
  else extraOf(rule).reset = true;
}

/** Whether the rule resets its requests instead of letting them go on. */
export function resets(rule: Rule): bool {
  const extra = rule.extra;
  if (extra === null) return false;
  return extra.reset;
}

/** Resets the stream (the effective context must be the stream's). */
export function resetStream(stream: Stream): void {
  stream.localReplySent = true; // no response of ours follows: leave its response callbacks alone
  proxy_close_stream(StreamType.HttpRequest);
  countReset();
}
