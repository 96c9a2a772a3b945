// Counted faults (docs/policy.md "Counted faults"): how many of the requests a rule picks it faults.
// `fault.limit.firstRequests` (the first N, then pass), `fault.limit.perSecond` (a token bucket) and
// `fault.maxActive` (at most N held at once). Not a kind: they decide *whether*, after the percentage draw,
// so the decision engine consults them (decide.ts); this module holds their fields, validation, compiled
// form, words, and the reference's counts (CountedFaults), which the plugin keeps the same way (per worker).
import type { CompiledLimit, FaultLimit } from '@hfi/api';
import { checkKeys, describe, type ErrorSink, hasOwn, isRecord, own } from '../errors.js';
import { given, readInteger } from '../fields.js';
import { LIMITS } from '../limits.js';
import type { CompiledRule, Fault } from '../types.js';

/** Keys under `fault` this module reads. */
export const LIMIT_INPUT_KEYS = ['limit', 'maxActive'] as const;
const LIMIT_KEYS = ['firstRequests', 'perSecond'] as const;

/** A token is worth this much: the bucket refills perSecond thousandths a millisecond, in integers. */
const TOKEN = 1000;

/**
 * Reads `fault.limit` and `fault.maxActive`; {} when neither is given, undefined when refused. `holds`: whether
 * the rule holds a request at all (a delay or start_delay_ms), which maxActive needs.
 */
export function readLimits(
  sink: ErrorSink,
  faultPath: string,
  input: Record<string, unknown>,
  holds: boolean,
): Pick<Fault, 'limit' | 'maxActive'> | undefined {
  const before = sink.count;
  const out: Pick<Fault, 'limit' | 'maxActive'> = {};
  if (given(input, 'limit')) {
    const path = `${faultPath}.limit`;
    const value = own(input, 'limit');
    if (!isRecord(value)) sink.add(path, `expected an object {firstRequests, perSecond}, found ${describe(value)}`);
    else {
      checkKeys(sink, path, value, LIMIT_KEYS);
      const limit: FaultLimit = {};
      if (given(value, 'firstRequests')) {
        const n = readInteger(sink, `${path}.firstRequests`, own(value, 'firstRequests'), 1, LIMITS.maxFirstRequests, 'requests');
        if (n !== undefined) limit.firstRequests = n;
      }
      if (given(value, 'perSecond')) {
        const n = readInteger(sink, `${path}.perSecond`, own(value, 'perSecond'), 1, LIMITS.maxPerSecond, 'requests a second');
        if (n !== undefined) limit.perSecond = n;
      }
      if (!hasOwn(value, 'firstRequests') && !hasOwn(value, 'perSecond'))
        sink.add(path, 'expected firstRequests or perSecond (or both), found neither');
      out.limit = limit;
    }
  }
  if (given(input, 'maxActive')) {
    const path = `${faultPath}.maxActive`;
    const n = readInteger(sink, path, own(input, 'maxActive'), 1, LIMITS.maxActive, 'requests held at once');
    if (n !== undefined && !holds)
      sink.add(path, 'limits the requests a rule holds at once, and this rule holds none (it has no delay or start_delay_ms)');
    else if (n !== undefined) out.maxActive = n;
  }
  return sink.count > before ? undefined : out;
}

/** The `limit` field of a compiled rule: absent unless the fault has a limit (a plain rule stays wire version 1). */
export function compileLimits(fault: Fault): Pick<CompiledRule, 'limit'> {
  if (fault.limit === undefined && fault.maxActive === undefined) return {};
  return {
    limit: { firstRequests: fault.limit?.firstRequests ?? 0, perSecond: fault.limit?.perSecond ?? 0, maxActive: fault.maxActive ?? 0 },
  };
}

/** The limits in words (`hfi-cli policy describe`), or undefined when there are none. */
export function describeLimits(fault: Fault): string | undefined {
  const parts: string[] = [];
  const first = fault.limit?.firstRequests;
  if (first !== undefined) parts.push(`only the first ${first} request${first === 1 ? '' : 's'}, then none`);
  if (fault.limit?.perSecond !== undefined) parts.push(`at most ${fault.limit.perSecond} a second`);
  if (fault.maxActive !== undefined) parts.push(`at most ${fault.maxActive} held at once`);
  return parts.length === 0 ? undefined : `${parts.join(', ')} (counted per worker)`;
}

interface Counts {
  faulted: number;
  /** Thousandths of a token. */
  tokens: number;
  refilledAtMs: number;
  /** When each request the rule holds is let go. */
  heldUntil: number[];
}

/**
 * The counts of one worker (one plugin VM), as the reference decision keeps them. A rule's counts are keyed by
 * its id and policy version, so they restart when the policy is written again, and survive other policies' changes.
 */
export class CountedFaults {
  private readonly byRule = new Map<string, Counts>();
  /** Requests that passed because their rule already held maxActive. */
  overMaxActive = 0;

  /** Whether a request the percentage picked for `rule` is faulted, taking its share of the limits when it is. */
  admit(rule: CompiledRule, limit: CompiledLimit, nowMs: number): boolean {
    const counts = this.countsOf(rule, limit, nowMs);
    if (limit.firstRequests > 0 && counts.faulted >= limit.firstRequests) return false;
    if (limit.perSecond > 0) {
      counts.tokens = Math.min(limit.perSecond * TOKEN, counts.tokens + (nowMs - counts.refilledAtMs) * limit.perSecond);
      counts.refilledAtMs = nowMs;
      if (counts.tokens < TOKEN) return false;
    }
    if (limit.maxActive > 0) {
      counts.heldUntil = counts.heldUntil.filter((until) => until > nowMs);
      if (counts.heldUntil.length >= limit.maxActive) {
        this.overMaxActive++;
        return false;
      }
    }
    counts.faulted++;
    if (limit.perSecond > 0) counts.tokens -= TOKEN;
    return true;
  }

  /** A faulted request of `rule` is held until `untilMs` (it counts against maxActive until then). */
  held(rule: CompiledRule, untilMs: number): void {
    this.byRule.get(keyOf(rule))?.heldUntil.push(untilMs);
  }

  private countsOf(rule: CompiledRule, limit: CompiledLimit, nowMs: number): Counts {
    const key = keyOf(rule);
    let counts = this.byRule.get(key);
    if (!counts) {
      counts = { faulted: 0, tokens: limit.perSecond * TOKEN, refilledAtMs: nowMs, heldUntil: [] };
      this.byRule.set(key, counts);
    }
    return counts;
  }
}

function keyOf(rule: CompiledRule): string {
  return `${rule.id}\u0000${rule.policyVersion}`;
}
