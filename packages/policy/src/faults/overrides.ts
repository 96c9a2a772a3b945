// Request overrides (docs/policy.md "Request overrides"), opt-in per policy: with `spec.requestOverrides`, a
// request that matches one of the policy's rules chooses its delay with `x-hfi-fault-delay-ms` and its abort
// status with `x-hfi-fault-abort-status`, within the policy's bounds (Envoy's x-envoy-fault-* headers, bounded).
// The percentage, the limits and the kinds' draws apply as without the headers; then a valid header replaces
// the delay or the abort status; an invalid one is ignored (the plugin counts it). Without requestOverrides
// the headers do nothing.
import { OVERRIDE_ABORT_HEADER, OVERRIDE_DELAY_HEADER } from '@hfi/api';
import { parseDurationMs } from '@hfi/duration';
import { checkKeys, describe, type ErrorSink, isRecord, own } from '../errors.js';
import { readInteger } from '../fields.js';
import { LIMITS } from '../limits.js';
import type { CompiledRule, FaultDecision, PolicySpec } from '../types.js';

type Overrides = NonNullable<PolicySpec['requestOverrides']>;
type CompiledOverrides = NonNullable<CompiledRule['overrides']>;

const KEYS = ['maxDelay', 'maxDelayMs', 'abortStatuses'] as const;

export function readRequestOverrides(sink: ErrorSink, path: string, value: unknown): Overrides | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (!isRecord(value)) {
    sink.add(path, `expected an object {maxDelay, abortStatuses}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, KEYS);
  const before = sink.count;
  const out: Overrides = {};
  const text = own(value, 'maxDelay');
  const ms = own(value, 'maxDelayMs');
  if (text !== undefined && ms !== undefined)
    sink.add(`${path}.maxDelayMs`, 'the longest delay is given twice: use either maxDelay or maxDelayMs');
  else if (typeof text === 'string') {
    const parsed = parseDurationMs(text);
    if (!parsed.ok) sink.add(`${path}.maxDelay`, `duration ${JSON.stringify(text)} ${parsed.reason}`);
    else if (parsed.ms < 1 || parsed.ms > LIMITS.maxDelayMs)
      sink.add(`${path}.maxDelay`, `expected 1ms to ${LIMITS.maxDelayMs}ms, found ${parsed.ms}ms`);
    else out.maxDelayMs = parsed.ms;
  } else if (text !== undefined && text !== null) {
    sink.add(`${path}.maxDelay`, `expected a duration string such as "2s", found ${describe(text)}`);
  } else if (ms !== undefined && ms !== null) {
    const read = readInteger(sink, `${path}.maxDelayMs`, ms, 1, LIMITS.maxDelayMs, 'milliseconds');
    if (read !== undefined) out.maxDelayMs = read;
  }
  const statuses = own(value, 'abortStatuses');
  if (statuses !== undefined && statuses !== null) {
    const where = `${path}.abortStatuses`;
    if (!Array.isArray(statuses) || statuses.length === 0 || statuses.length > LIMITS.overrideStatuses) {
      sink.add(where, `expected a list of 1 to ${LIMITS.overrideStatuses} HTTP statuses such as [500, 503], found ${describe(statuses)}`);
    } else {
      const seen = new Set<number>();
      statuses.forEach((status, i) => {
        const read = readInteger(sink, `${where}[${i}]`, status, 200, 599, 'an HTTP status');
        if (read === undefined) return;
        if (seen.has(read)) sink.add(`${where}[${i}]`, `status ${read} is listed twice`);
        seen.add(read);
      });
      if (sink.count === before) out.abortStatuses = [...seen].sort((a, b) => a - b);
    }
  }
  if (sink.count === before && out.maxDelayMs === undefined && out.abortStatuses === undefined) {
    sink.add(path, 'expected maxDelay (or maxDelayMs) or abortStatuses, found neither');
  }
  return sink.count > before ? undefined : out;
}

export function compileOverrides(overrides: Overrides): CompiledOverrides {
  return { maxDelayMs: overrides.maxDelayMs ?? -1, abortStatuses: overrides.abortStatuses ?? [] };
}

/** The policy's overrides in words (`hfi-cli policy describe`). */
export function describeOverrides(overrides: Overrides | undefined): string | undefined {
  if (!overrides) return undefined;
  const parts: string[] = [];
  if (overrides.maxDelayMs !== undefined) parts.push(`${OVERRIDE_DELAY_HEADER} up to ${overrides.maxDelayMs}ms`);
  if (overrides.abortStatuses) parts.push(`${OVERRIDE_ABORT_HEADER} one of ${overrides.abortStatuses.join(', ')}`);
  return `a request may choose its fault: ${parts.join('; ')}`;
}

/** A header's value as the plugin reads it: decimal digits only, at most 9 of them; -1 when not a number. */
function decimal(value: string | undefined): number {
  if (value === undefined || value.length === 0 || value.length > 9 || !/^[0-9]+$/.test(value)) return -1;
  return Number(value);
}

/** A faulted request's decision with the overrides its headers ask for, where valid. */
export function applyOverrides(rule: CompiledRule, decision: FaultDecision, headers: ReadonlyMap<string, string>): FaultDecision {
  const overrides = rule.overrides;
  if (!overrides) return decision;
  let out = decision;
  const delay = decimal(headers.get(OVERRIDE_DELAY_HEADER));
  if (delay >= 0 && delay <= overrides.maxDelayMs) out = { ...out, delayMs: delay };
  const status = decimal(headers.get(OVERRIDE_ABORT_HEADER));
  if (status >= 0 && !out.reset && overrides.abortStatuses.includes(status)) {
    const abort = rule.abort;
    out = { ...out, abort: { status, grpcStatus: abort?.grpcStatus ?? -1, body: abort?.body ?? '', headers: abort?.headers ?? [] } };
  }
  return out;
}
