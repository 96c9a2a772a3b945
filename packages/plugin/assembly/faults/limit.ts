// Counted faults (docs/policy.md "Counted faults", docs/wire-format.md "Counted faults"): the `limit` field of
// a rule, and the counts this worker VM keeps for it. Consulted after the percentage draw, before the kinds'
// own draws, exactly as the reference (@hfi/policy src/faults/limit.ts). Counts live in an object of their own,
// handed from a rule to the same rule (equal tag: same id, same policy version) of the next set, so they restart
// when the policy is written again and survive other policies' changes. Rules without a limit cost nothing.

import { requestNowMs } from '../decide';
import { LIMIT_MAX_ACTIVE, LIMIT_MAX_FIRST_REQUESTS, LIMIT_MAX_PER_SECOND } from '../limits';
import { FieldReader } from '../loader/fields';
import { countOverMaxActive } from '../metrics';
import { extraOf, Rule, RuleSet } from '../ruleset';

/** A token is worth this much: the bucket refills perSecond thousandths a millisecond, in integers. */
const TOKEN: i64 = 1000;

export class LimitCounts {
  started: bool = false;
  faulted: i64 = 0;
  /** Thousandths of a token. */
  tokens: i64 = 0;
  refilledAtMs: i64 = 0;
  /** Requests of the rule in the delay queue now. */
  active: i32 = 0;
}

export class Limit {
  firstRequests: i64 = 0;
  perSecond: i64 = 0;
  maxActive: i32 = 0;
  counts: LimitCounts = new LimitCounts();

  /** Whether a request the percentage picked is faulted, taking its share of the limits when it is. */
  admit(nowMs: i64): bool {
    const c = this.counts;
    if (!c.started) {
      c.started = true;
      c.tokens = this.perSecond * TOKEN;
      c.refilledAtMs = nowMs;
    }
    if (this.firstRequests > 0 && c.faulted >= this.firstRequests) return false;
    if (this.perSecond > 0) {
      const full = this.perSecond * TOKEN;
      const refilled = c.tokens + (nowMs - c.refilledAtMs) * this.perSecond;
      c.tokens = refilled < full ? refilled : full;
      c.refilledAtMs = nowMs;
      if (c.tokens < TOKEN) return false;
    }
    if (this.maxActive > 0 && c.active >= this.maxActive) {
      countOverMaxActive();
      return false;
    }
    c.faulted++;
    if (this.perSecond > 0) c.tokens -= TOKEN;
    return true;
  }
}

/** The `limit` field (wire version 2): {firstRequests, perSecond, maxActive}, 0 = that limit off. */
export function readLimitField(fields: FieldReader, rule: Rule): void {
  const r = fields.reader;
  if (!r.enterObject()) return;
  const limit = new Limit();
  let first = true;
  while (r.nextKey(first)) {
    first = false;
    if (r.keyIs('firstRequests')) limit.firstRequests = <i64>fields.integer('limit', '.firstRequests', 0, <f64>LIMIT_MAX_FIRST_REQUESTS);
    else if (r.keyIs('perSecond')) limit.perSecond = <i64>fields.integer('limit', '.perSecond', 0, <f64>LIMIT_MAX_PER_SECOND);
    else if (r.keyIs('maxActive')) limit.maxActive = <i32>fields.integer('limit', '.maxActive', 0, <f64>LIMIT_MAX_ACTIVE);
    else r.skipValue();
    if (!fields.ok) return;
  }
  extraOf(rule).limit = limit;
}

/** Whether the rule's limits let this request, which the percentage picked, be faulted (the clock is read only for a limit). */
export function admitted(rule: Rule): bool {
  const extra = rule.extra;
  if (extra === null) return true;
  const limit = extra.limit;
  return limit === null || limit.admit(requestNowMs());
}

/** A request of the rule entered (+1) or left (-1) the delay queue. */
export function noteHeld(rule: Rule, delta: i32): void {
  const extra = rule.extra;
  if (extra === null) return;
  const limit = extra.limit;
  if (limit !== null) limit.counts.active += delta;
}

/** The counts of `current`'s counted rules by tag: kept while `current` is let go and its successor loads. */
export function limitCountsByTag(current: RuleSet): Map<u64, LimitCounts> | null {
  let byTag: Map<u64, LimitCounts> | null = null;
  const old = current.rules;
  for (let i = 0; i < old.length; i++) {
    const extra = old[i].extra;
    if (extra === null || extra.limit === null) continue;
    if (byTag === null) byTag = new Map<u64, LimitCounts>();
    byTag.set(old[i].tag, extra.limit!.counts);
  }
  return byTag;
}

/** Hands the counts of the replaced set's rules (limitCountsByTag) to the same rules of `next` (equal tag). */
export function carryCounts(byTag: Map<u64, LimitCounts> | null, next: RuleSet): void {
  if (byTag === null) return;
  const rules = next.rules;
  for (let i = 0; i < rules.length; i++) {
    const extra = rules[i].extra;
    if (extra === null || extra.limit === null) continue;
    const tag = rules[i].tag;
    if (byTag.has(tag)) extra.limit!.counts = byTag.get(tag);
  }
}
