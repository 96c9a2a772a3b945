// The response phase (docs/policy.md "Response phase"): a rule with `phase: "response"` is matched and drawn
// for at request time (request headers are gone by the response), and acts in on_response_headers: its delay
// pauses the response (resumed from the tick with proxy_continue_stream(HttpResponse)), its abort replaces the
// response with a local reply, which Envoy sends straight to the codec while the response headers are paused
// (docs/envoy-facts.md E23). `responseStatus` limits it to some upstream statuses. Plain rules cost nothing.

import { MapType } from '../abi/constants';
import { fetchedPtr, fetchedSize, fetchHeader } from '../abi/host';
import { FieldReader } from '../loader/fields';
import { extraOf, Rule } from '../ruleset';

const STATUS = String.UTF8.encode(':status');

/** The `phase` field: "response" (absent for the request phase). */
export function readPhaseField(fields: FieldReader, rule: Rule): void {
  if (!fields.view('phase', '')) return;
  if (fields.reader.viewIs('response')) extraOf(rule).responsePhase = true;
  else fields.fail('phase', '', 'expected "response" (absent for the request phase)');
}

/** The `responseStatus` field: {min, max}, both ends included. */
export function readResponseStatusField(fields: FieldReader, rule: Rule): void {
  const r = fields.reader;
  if (!r.enterObject()) return;
  let min: i32 = 0;
  let max: i32 = 0;
  let first = true;
  while (r.nextKey(first)) {
    first = false;
    if (r.keyIs('min')) min = <i32>fields.integer('responseStatus', '.min', 100, 599);
    else if (r.keyIs('max')) max = <i32>fields.integer('responseStatus', '.max', 100, 599);
    else r.skipValue();
    if (!fields.ok) return;
  }
  if (min == 0 || max < min) {
    fields.fail('responseStatus', '', 'expected 100 <= min <= max <= 599');
    return;
  }
  const extra = extraOf(rule);
  extra.statusMin = min;
  extra.statusMax = max;
}

/** Whether the rule acts on the response rather than the request. */
export function inResponsePhase(rule: Rule): bool {
  const extra = rule.extra;
  if (extra === null) return false;
  return extra.responsePhase;
}

/** Whether the upstream's response (its :status, read now) is one the rule faults. */
export function statusApplies(rule: Rule): bool {
  const extra = rule.extra!;
  if (extra.statusMin == 0) return true;
  if (!fetchHeader(MapType.HttpResponseHeaders, STATUS)) return false;
  let status: i32 = 0;
  for (let i: usize = 0; i < fetchedSize; i++) {
    const c = <i32>load<u8>(fetchedPtr + i) - 0x30;
    if (c < 0 || c > 9 || i >= 3) return false;
    status = status * 10 + c;
  }
  return status >= extra.statusMin && status <= extra.statusMax;
}
