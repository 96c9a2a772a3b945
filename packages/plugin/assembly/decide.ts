// Evaluating a request against the rule set (docs/wire-format.md "Evaluating a request").
// Request facts are fetched lazily and at most once: a rule set whose rules never mention headers
// costs no header lookups, and a request that matches nothing allocates nothing.

import { MapType } from './abi/constants';
import { fetchedPtr, fetchedSize, fetchHeader, nowMs } from './abi/host';
import { inSchedule } from './faults/schedule';
import { keyOf, MatchKind } from './matchers';
import { segmentEnd, segmentHash } from './path-index';
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
let methodKey: u64 = 0;
let nowKnown = false;
let now: i64 = 0;
let generation: u32 = 0;

/** Per-rule-set cache of header values for the current request, indexed by header slot. */
export class HeaderSlots {
  readonly seen: StaticArray<u32>;
  readonly state: StaticArray<u8>;
  readonly ptr: StaticArray<usize>;
  readonly size: StaticArray<usize>;
  readonly key: StaticArray<u64>;

  constructor(n: i32) {
    this.seen = new StaticArray<u32>(n);
    this.state = new StaticArray<u8>(n);
    this.ptr = new StaticArray<usize>(n);
    this.size = new StaticArray<usize>(n);
    this.key = new StaticArray<u64>(n);
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
      pathKey = keyOf(fetchedPtr, n);
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
      methodKey = keyOf(fetchedPtr, fetchedSize);
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
      unchecked((slots.key[slot] = keyOf(fetchedPtr, fetchedSize)));
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
    const slot = c.slot;
    if (m === null || !m.matchesKeyed(unchecked(slots.ptr[slot]), unchecked(slots.size[slot]), unchecked(slots.key[slot]))) return false;
  }
  return true;
}

/** Whether `rule` matches the current request (all conditions, the time window last). */
function ruleMatches(set: RuleSet, rule: Rule): bool {
  const path = rule.path;
  if (path !== null && !(ensurePath() && path.matchesKeyed(pathPtr, pathSize, pathKey))) return false;
  const method = rule.method;
  if (method !== null && !(ensureMethod() && method.matchesKeyed(methodPtr, methodSize, methodKey))) return false;
  if (rule.headers.length > 0 && !headersHold(set, set.slots, rule)) return false;
  // Rules already active at load with no expiry skip the clock read (docs/adr/0024-rule-index-and-clock-reads.md).
  if (rule.alwaysActive) return true;
  const t = requestNowMs();
  return t >= rule.activeFromMs && (rule.expiresAtMs == 0 || t < rule.expiresAtMs) && inSchedule(rule, t);
}

/**
 * The first rule that matches the current request, or null. Draws nothing. Only the rules the path
 * index lists for this path are visited, merged by position so the first match is the same as a scan.
 */
export function findMatchingRule(set: RuleSet): Rule | null {
  beginRequest();
  const rules = set.rules;
  const index = set.index;
  let s: i32 = 0;
  let sEnd: i32 = 0;
  let b: i32 = 0;
  let bEnd: i32 = 0;
  // Without a :path only rules with no path condition (all in `always`) can match.
  if (index.keyed > 0 && ensurePath()) {
    const bucket = <i32>(segmentHash(pathPtr, segmentEnd(pathPtr, pathSize)) & index.segMask);
    s = unchecked(index.segStarts[bucket]);
    sEnd = unchecked(index.segStarts[bucket + 1]);
    if (pathSize >= 2) {
      const c = <i32>load<u8>(pathPtr + 1);
      b = unchecked(index.byteStarts[c]);
      bEnd = unchecked(index.byteStarts[c + 1]);
    }
  }
  let h: i32 = 0;
  let hEnd: i32 = 0;
  const headerSlot = index.headerSlot;
  // Without that header (or with another value) none of the header-keyed rules can match.
  if (headerSlot >= 0 && headerPresent(set, set.slots, headerSlot)) {
    const slots = set.slots;
    const bucket = <i32>(segmentHash(unchecked(slots.ptr[headerSlot]), unchecked(slots.size[headerSlot])) & index.headerMask);
    h = unchecked(index.headerStarts[bucket]);
    hEnd = unchecked(index.headerStarts[bucket + 1]);
  }
  const headerRules = index.headerRules;
  const segRules = index.segRules;
  const byteRules = index.byteRules;
  const always = index.always;
  let a: i32 = 0;
  const aEnd = always.length;
  while (true) {
    const si = s < sEnd ? unchecked(segRules[s]) : i32.MAX_VALUE;
    const bi = b < bEnd ? unchecked(byteRules[b]) : i32.MAX_VALUE;
    const ai = a < aEnd ? unchecked(always[a]) : i32.MAX_VALUE;
    const hi = h < hEnd ? unchecked(headerRules[h]) : i32.MAX_VALUE;
    let i = si < bi ? si : bi;
    if (ai < i) i = ai;
    if (hi < i) i = hi;
    if (i == i32.MAX_VALUE) return null;
    if (i == si) s++;
    else if (i == bi) b++;
    else if (i == hi) h++;
    else a++;
    const rule = unchecked(rules[i]);
    if (ruleMatches(set, rule)) return rule;
  }
  // biome-ignore lint/correctness/noUnreachable: AssemblyScript requires a return after the loop
  return null;
}
