// Which rules a request can match, judged by the start of its path, so a request visits only those
// (docs/plugin.md "Request path"). Built once per rule set. Every rule is in exactly one list, and each
// list keeps evaluation order, so merging a request's lists by rule position keeps first-match exact.
//
// - A rule whose path literal (exact value, prefix, or a regex's literal prefix) spells out the whole
//   first segment (bytes up to the first '/' after byte 0) is listed under that segment's hash: only a
//   path with the same first segment can match it.
// - Otherwise, a literal of 2+ bytes lists the rule under its second byte (the first is nearly always '/').
// - Of the rest, those with an exact condition on the header most such rules test (e.g. `x-tenant`) are
//   listed under the hash of that value: only a request carrying that value can match them.
// - The others (no path condition or a shorter literal, no such header) are candidates for every request.
// Hash collisions only add candidates; every candidate is still checked in full.

import { HeaderCondition, literalSize, MatchKind } from './matchers';
import { Rule } from './ruleset';

// The empty index's lists, shared: an index is never written after it is built, and every rule set starts with
// an empty one that its load replaces (allocating these per load was a measurable part of it).
const NO_RULES = new StaticArray<i32>(0);
const ONE_EMPTY_BUCKET = new StaticArray<i32>(2);
const EMPTY_BYTE_BUCKETS = new StaticArray<i32>(257);

export class PathIndex {
  /** Buckets - 1 (a power of two minus one). */
  segMask: u32 = 0;
  /** Bucket b's rule positions are segRules[segStarts[b] .. segStarts[b + 1]). */
  segStarts: StaticArray<i32> = ONE_EMPTY_BUCKET;
  segRules: StaticArray<i32> = NO_RULES;
  /** Second byte c's rule positions are byteRules[byteStarts[c] .. byteStarts[c + 1]). */
  byteStarts: StaticArray<i32> = EMPTY_BYTE_BUCKETS;
  byteRules: StaticArray<i32> = NO_RULES;
  /** The header slot the header lists key on (-1: none), buckets - 1, and the lists as above. */
  headerSlot: i32 = -1;
  headerMask: u32 = 0;
  headerStarts: StaticArray<i32> = ONE_EMPTY_BUCKET;
  headerRules: StaticArray<i32> = NO_RULES;
  /** Rule positions every request must consider. */
  always: StaticArray<i32> = NO_RULES;
  /** Rules in the two keyed lists; 0 means a request needs no `:path` to pick candidates. */
  keyed: i32 = 0;
}

/** End of the first segment: the first '/' after byte 0, or `size`. */
export function segmentEnd(ptr: usize, size: usize): usize {
  for (let i: usize = 1; i < size; i++) if (load<u8>(ptr + i) == 0x2f) return i;
  return size;
}

/** FNV-1a over `size` bytes. */
export function segmentHash(ptr: usize, size: usize): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i: usize = 0; i < size; i++) h = (h ^ <u32>load<u8>(ptr + i)) * 0x01000193;
  return h;
}

const ALWAYS: i32 = 0;
const BY_SEGMENT: i32 = 1;
const BY_BYTE: i32 = 2;
const BY_HEADER: i32 = 3;

/** The exact-match condition of `rule` on header `slot`, or null. */
function exactOn(rule: Rule, slot: i32): HeaderCondition | null {
  const conditions = rule.headers;
  for (let j = 0; j < conditions.length; j++) {
    const c = unchecked(conditions[j]);
    if (c.slot == slot && c.kind == MatchKind.Exact && c.matcher !== null) return c;
  }
  return null;
}

/** `literals[i]`: what every path regex of rule i accepts starts with (its literal prefix; exact and prefix paths carry theirs). */
export function buildPathIndex(rules: Rule[], literals: ArrayBuffer[]): PathIndex {
  const n = rules.length;
  const kinds = new StaticArray<i32>(n);
  const keys = new StaticArray<u32>(n);
  let segCount = 0;
  let byteCount = 0;
  for (let i = 0; i < n; i++) {
    const path = unchecked(rules[i]).path;
    let kind = ALWAYS;
    let key: u32 = 0;
    if (path !== null) {
      // Exact and prefix values may live in the matcher's key; a regex's literal prefix was read off its DFA.
      let lit: usize;
      let size: usize;
      if (path.kind == MatchKind.Regex) {
        const literal = unchecked(literals[i]);
        lit = changetype<usize>(literal);
        size = <usize>literal.byteLength;
      } else {
        lit = path.literalBytes();
        size = <usize>literalSize;
      }
      const end = segmentEnd(lit, size);
      if (path.kind == MatchKind.Exact || end < size) {
        kind = BY_SEGMENT;
        key = segmentHash(lit, end);
        segCount++;
      } else if (size >= 2) {
        kind = BY_BYTE;
        key = <u32>load<u8>(lit + 1);
        byteCount++;
      }
    }
    unchecked((kinds[i] = kind));
    unchecked((keys[i] = key));
  }
  // Of the rules left for every request, key those with an exact condition on the most tested header.
  let headerSlot = -1;
  let headerCount = 0;
  let slots = 0;
  for (let i = 0; i < n; i++) {
    const conditions = unchecked(rules[i]).headers;
    for (let j = 0; j < conditions.length; j++) if (unchecked(conditions[j]).slot >= slots) slots = unchecked(conditions[j]).slot + 1;
  }
  if (slots > 0) {
    const uses = new StaticArray<i32>(slots);
    for (let i = 0; i < n; i++) {
      if (unchecked(kinds[i]) != ALWAYS) continue;
      const conditions = unchecked(rules[i]).headers;
      for (let j = 0; j < conditions.length; j++) {
        const c = unchecked(conditions[j]);
        if (c.kind == MatchKind.Exact) unchecked((uses[c.slot] += 1));
      }
    }
    for (let k = 0; k < slots; k++) {
      if (unchecked(uses[k]) > headerCount) {
        headerCount = unchecked(uses[k]);
        headerSlot = k;
      }
    }
  }
  let headerBuckets: u32 = 1;
  while (headerBuckets < <u32>headerCount * 2) headerBuckets <<= 1;
  headerCount = 0;
  if (headerSlot >= 0) {
    for (let i = 0; i < n; i++) {
      if (unchecked(kinds[i]) != ALWAYS) continue;
      const c = exactOn(unchecked(rules[i]), headerSlot);
      if (c === null) continue;
      const value = c.matcher!.literalBytes();
      unchecked((kinds[i] = BY_HEADER));
      unchecked((keys[i] = segmentHash(value, <usize>literalSize) & (headerBuckets - 1)));
      headerCount++;
    }
  }
  const index = new PathIndex();
  index.headerSlot = headerCount > 0 ? headerSlot : -1;
  index.headerMask = headerBuckets - 1;
  index.headerStarts = starts(kinds, keys, BY_HEADER, <i32>headerBuckets);
  index.headerRules = fill(kinds, keys, BY_HEADER, index.headerStarts, headerCount);
  let buckets: u32 = 1;
  while (buckets < <u32>segCount * 2) buckets <<= 1;
  index.segMask = buckets - 1;
  for (let i = 0; i < n; i++) {
    if (unchecked(kinds[i]) == BY_SEGMENT) unchecked((keys[i] &= index.segMask));
  }
  index.segStarts = starts(kinds, keys, BY_SEGMENT, <i32>buckets);
  index.byteStarts = starts(kinds, keys, BY_BYTE, 256);
  index.segRules = fill(kinds, keys, BY_SEGMENT, index.segStarts, segCount);
  index.byteRules = fill(kinds, keys, BY_BYTE, index.byteStarts, byteCount);
  const always = new StaticArray<i32>(n - segCount - byteCount - headerCount);
  let a = 0;
  for (let i = 0; i < n; i++) if (unchecked(kinds[i]) == ALWAYS) unchecked((always[a++] = i));
  index.always = always;
  index.keyed = segCount + byteCount;
  return index;
}

/** Bucket start offsets (length buckets + 1) for the rules of `kind`. */
function starts(kinds: StaticArray<i32>, keys: StaticArray<u32>, kind: i32, buckets: i32): StaticArray<i32> {
  const out = new StaticArray<i32>(buckets + 1);
  for (let i = 0; i < kinds.length; i++) {
    if (unchecked(kinds[i]) == kind) unchecked((out[<i32>unchecked(keys[i]) + 1] += 1));
  }
  for (let b = 0; b < buckets; b++) unchecked((out[b + 1] += out[b]));
  return out;
}

/** Rule positions grouped by bucket, each bucket in rule order. */
function fill(kinds: StaticArray<i32>, keys: StaticArray<u32>, kind: i32, bucketStarts: StaticArray<i32>, count: i32): StaticArray<i32> {
  const out = new StaticArray<i32>(count);
  const next = StaticArray.slice<i32>(bucketStarts, 0, bucketStarts.length);
  for (let i = 0; i < kinds.length; i++) {
    if (unchecked(kinds[i]) != kind) continue;
    const b = <i32>unchecked(keys[i]);
    unchecked((out[unchecked(next[b])] = i));
    unchecked((next[b] += 1));
  }
  return out;
}
