// Evaluating a request against the rule set (docs/wire-format.md "Evaluating a request").
// Request facts are fetched lazily and at most once: a rule set whose rules never mention headers
// costs no header lookups, and a request that matches nothing allocates nothing.

import { fetchHeader, fetchedPtr, fetchedSize, nowMs } from './abi/host';
import { MapType } from './abi/constants';
import { MatchKind } from './matchers';
import { Rule, RuleSet } from './ruleset';

const PATH = String.UTF8.encode(':path');
const METHOD = String.UTF8.encode(':method');

const UNKNOWN: u8 = 0;
const PRESENT: u8 = 1;
const ABSENT: u8 = 2;

// Facts of the request being evaluated; valid during one on_request_headers call.
let pathState: u8 = UNKNOWN;
let pathPtr: usize = 0;
let pathSize: usize = 0;
/** The path's first 8 bytes, little-endian, zero-padded: compared against each rule's pathKey. */
let pathKey: u64 = 0;
let methodState: u8 = UNKNOWN;
let methodPtr: usize = 0;
let methodSize: usize = 0;
let nowKnown = false;
let now: i64 = 0;
let generation: u32 = 0;

/** Per-rule-set cache of header values for the current request, indexed by header slot. */
export class HeaderSlots {
  readonly seen: StaticArray<u32>;
  readonly state: StaticArray<u8>;
  readonly ptr: StaticArray<usize>;
  readonly size: StaticArray<usize>;

  constructor(n: i32) {
    this.seen = new StaticArray<u32>(n);
    this.state = new StaticArray<u8>(n);
    this.ptr = new StaticArray<usize>(n);
    this.size = new StaticArray<usize>(n);
  }
}

function beginRequest(): void {
  pathState = UNKNOWN;
  methodState = UNKNOWN;
  nowKnown = false;
  generation++;
  if (generation == 0) generation = 1;
}

function ensurePath(): bool {
  if (pathState == UNKNOWN) {
    if (fetchHeader(MapType.HttpRequestHeaders, PATH)) {
      pathState = PRESENT;
      pathPtr = fetchedPtr;
      // Matching ignores the query string.
      let n: usize = 0;
      while (n < fetchedSize && load<u8>(fetchedPtr + n) != 0x3f) n++;
      pathSize = n;
      let key: u64 = 0;
      const k = n < 8 ? n : 8;
      for (let i: usize = 0; i < k; i++) key |= (<u64>load<u8>(fetchedPtr + i)) << (<u64>(8 * i));
      pathKey = key;
    } else pathState = ABSENT;
  }
  return pathState == PRESENT;
}

function ensureMethod(): bool {
  if (methodState == UNKNOWN) {
    if (fetchHeader(MapType.HttpRequestHeaders, METHOD)) {
      methodState = PRESENT;
      methodPtr = fetchedPtr;
      methodSize = fetchedSize;
    } else methodState = ABSENT;
  }
  return methodState == PRESENT;
}

/** The current time in epoch ms, read once per request. */
export function requestNowMs(): i64 {
  if (!nowKnown) {
    now = nowMs();
    nowKnown = true;
  }
  return now;
}

function headerPresent(set: RuleSet, slots: HeaderSlots, slot: i32): bool {
  if (unchecked(slots.seen[slot]) != generation) {
    unchecked((slots.seen[slot] = generation));
    if (fetchHeader(MapType.HttpRequestHeaders, unchecked(set.headerNames[slot]))) {
      unchecked((slots.state[slot] = PRESENT));
      unchecked((slots.ptr[slot] = fetchedPtr));
      unchecked((slots.size[slot] = fetchedSize));
    } else unchecked((slots.state[slot] = ABSENT));
  }
  return unchecked(slots.state[slot]) == PRESENT;
}

function headersHold(set: RuleSet, slots: HeaderSlots, rule: Rule): bool {
  const conditions = rule.headers;
  for (let i = 0, n = conditions.length; i < n; i++) {
    const c = unchecked(conditions[i]);
    const present = headerPresent(set, slots, c.slot);
    if (c.kind == MatchKind.Absent) {
      if (present) return false;
      continue;
    }
    if (!present) return false;
    if (c.kind == MatchKind.Present) continue;
    const m = c.matcher;
    if (m === null || !m.matches(unchecked(slots.ptr[c.slot]), unchecked(slots.size[c.slot]))) return false;
  }
  return true;
}

/** The first rule that matches the current request, or null. Draws nothing. */
export function findMatchingRule(set: RuleSet): Rule | null {
  beginRequest();
  const rules = set.rules;
  const slots = set.slots;
  for (let i = 0, n = rules.length; i < n; i++) {
    const rule = unchecked(rules[i]);
    const mask = rule.pathMask;
    if (mask != 0 && !(ensurePath() && (pathKey & mask) == rule.pathKey)) continue;
    const path = rule.path;
    if (path !== null && !(ensurePath() && path.matches(pathPtr, pathSize))) continue;
    const method = rule.method;
    if (method !== null && !(ensureMethod() && method.matches(methodPtr, methodSize))) continue;
    if (rule.headers.length > 0 && !headersHold(set, slots, rule)) continue;
    const t = requestNowMs();
    if (t < rule.activeFromMs || (rule.expiresAtMs != 0 && t >= rule.expiresAtMs)) continue;
    return rule;
  }
  return null;
}
