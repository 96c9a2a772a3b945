// Request overrides (docs/policy.md "Request overrides"): the `overrides` field of a rule whose policy has
// spec.requestOverrides, and the two headers a request chooses its fault with. Read, and removed from the
// request, whenever such a rule is the request's first match (before the percentage draw, so the upstream never
// sees them); a valid value then replaces the delay or the abort status of a faulted request, exactly as the
// reference (@hfi/policy src/faults/overrides.ts); an invalid one is ignored and counted. Other rules cost nothing.

import { MapType } from '../abi/constants';
import { fetchedPtr, fetchedSize, fetchHeader } from '../abi/host';
import { proxy_remove_header_map_value } from '../abi/imports';
import { MAX_DELAY_MS, OVERRIDE_ABORT_HEADER, OVERRIDE_DELAY_HEADER } from '../limits';
import { FieldReader } from '../loader/fields';
import { countOverrideIgnored } from '../metrics';
import { extraOf, Rule } from '../ruleset';
import { resets } from './reset';

const DELAY = String.UTF8.encode(OVERRIDE_DELAY_HEADER);
const ABORT = String.UTF8.encode(OVERRIDE_ABORT_HEADER);
const NONE = new StaticArray<i32>(0);

export class Overrides {
  /** -1: delays may not be chosen. */
  maxDelayMs: i64 = -1;
  abortStatuses: StaticArray<i32> = NONE;
}

/** The `overrides` field (wire version 2): {maxDelayMs, abortStatuses: [...]}. */
export function readOverridesField(fields: FieldReader, rule: Rule): void {
  const r = fields.reader;
  if (!r.enterObject()) return;
  const o = new Overrides();
  let first = true;
  while (r.nextKey(first)) {
    first = false;
    if (r.keyIs('maxDelayMs')) o.maxDelayMs = <i64>fields.integer('overrides', '.maxDelayMs', -1, <f64>MAX_DELAY_MS);
    else if (r.keyIs('abortStatuses')) {
      if (!r.enterArray()) return;
      const statuses = new Array<i32>();
      let firstItem = true;
      while (r.nextItem(firstItem)) {
        firstItem = false;
        if (statuses.length >= 64) {
          fields.fail('overrides', '.abortStatuses', 'too many statuses');
          return;
        }
        statuses.push(<i32>fields.integer('overrides', '.abortStatuses[]', 200, 599));
        if (!fields.ok) return;
      }
      const list = new StaticArray<i32>(statuses.length);
      for (let i = 0; i < statuses.length; i++) unchecked((list[i] = statuses[i]));
      o.abortStatuses = list;
    } else r.skipValue();
    if (!fields.ok) return;
  }
  extraOf(rule).overrides = o;
}

/** The rule's overrides, or null (the rule's policy has no requestOverrides). */
export function overridesOf(rule: Rule): Overrides | null {
  const extra = rule.extra;
  if (extra === null) return null;
  return extra.overrides;
}

/** What the current request asked for: -1 / 0 when nothing valid. */
let chosenDelayMs: i64 = -1;
let chosenStatus: i32 = 0;

/** Reads and strips both headers of the current request, for a rule with overrides; counts values it ignores. */
export function readChosenFault(rule: Rule, o: Overrides): void {
  chosenDelayMs = -1;
  chosenStatus = 0;
  if (fetchHeader(MapType.HttpRequestHeaders, DELAY)) {
    const v = decimal();
    if (v >= 0 && v <= o.maxDelayMs) chosenDelayMs = v;
    else countOverrideIgnored();
    proxy_remove_header_map_value(MapType.HttpRequestHeaders, changetype<usize>(DELAY), DELAY.byteLength);
  }
  if (fetchHeader(MapType.HttpRequestHeaders, ABORT)) {
    const v = decimal();
    if (v >= 0 && !resets(rule) && allowed(o.abortStatuses, <i32>v)) chosenStatus = <i32>v;
    else countOverrideIgnored();
    proxy_remove_header_map_value(MapType.HttpRequestHeaders, changetype<usize>(ABORT), ABORT.byteLength);
  }
}

/** The delay the current request gets: its chosen one, else the rule's (already drawn). */
export function chosenDelay(delayMs: i64): i64 {
  return chosenDelayMs >= 0 ? chosenDelayMs : delayMs;
}

/** The abort status the current request chose (0: none). */
export function chosenAbortStatus(): i32 {
  return chosenStatus;
}

function allowed(statuses: StaticArray<i32>, status: i32): bool {
  for (let i = 0; i < statuses.length; i++) if (unchecked(statuses[i]) == status) return true;
  return false;
}

/** The fetched header value as a decimal of at most 9 digits; -1 when it is not one. */
function decimal(): i64 {
  const n = fetchedSize;
  if (n == 0 || n > 9) return -1;
  let v: i64 = 0;
  for (let i: usize = 0; i < n; i++) {
    const c = <i32>load<u8>(fetchedPtr + i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
