// The delay kind: hold the request before it goes on (docs/policy.md "delay").
// Accepted spellings: delay.fixedDelay (a duration string), delay.fixed_delay_ms, and the shorthand delay_ms.
import { parseDurationMs, spokenMs } from '@hfi/duration';
import { describe, type ErrorSink, hasOwn, isRecord, own, rejectUnknownKeys } from '../errors.js';
import { given, readInteger } from '../fields.js';
import { LIMITS } from '../limits.js';
import type { CompiledRule, Fault } from '../types.js';
import type { FaultKind } from './kind.js';

const DELAY_KEYS = ['fixedDelay', 'fixed_delay_ms'] as const;

export const delayKind: FaultKind = {
  name: 'delay',
  inputKeys: ['delay', 'delay_ms'],
  isGiven: (input) => given(input, 'delay') || given(input, 'delay_ms'),
  read(sink, faultPath, input) {
    const before = sink.count;
    const ms = readDelay(sink, faultPath, input);
    if (sink.count > before) return undefined;
    return ms === undefined ? {} : { delay: { fixed_delay_ms: ms } };
  },
  compile: (fault: Fault): Pick<CompiledRule, 'delayMs'> => ({ delayMs: fault.delay?.fixed_delay_ms ?? 0 }),
  describe: (fault) => (fault.delay ? `delay ${spokenMs(fault.delay.fixed_delay_ms)}` : undefined),
};

function readDelay(sink: ErrorSink, faultPath: string, fault: Record<string, unknown>): number | undefined {
  const delay = own(fault, 'delay');
  const shorthand = own(fault, 'delay_ms');
  const hasDelay = delay !== undefined && delay !== null;
  const hasShorthand = shorthand !== undefined && shorthand !== null;
  if (hasDelay && hasShorthand) {
    sink.add(`${faultPath}.delay_ms`, 'the delay is given twice: use either delay or delay_ms');
    return undefined;
  }
  if (hasShorthand) return readDelayMs(sink, `${faultPath}.delay_ms`, shorthand);
  if (!hasDelay) return undefined;
  const path = `${faultPath}.delay`;
  if (!isRecord(delay)) {
    sink.add(path, `expected an object {fixedDelay: "1s"} or {fixed_delay_ms: 1000}, found ${describe(delay)}`);
    return undefined;
  }
  rejectUnknownKeys(sink, path, delay, DELAY_KEYS);
  const forms = DELAY_KEYS.filter((key) => hasOwn(delay, key));
  if (forms.length !== 1) {
    sink.add(
      path,
      forms.length === 0
        ? 'expected fixedDelay (e.g. "1s") or fixed_delay_ms (e.g. 1000), found neither'
        : 'expected one of fixedDelay or fixed_delay_ms, found both',
    );
    return undefined;
  }
  if (forms[0] === 'fixed_delay_ms') return readDelayMs(sink, `${path}.fixed_delay_ms`, own(delay, 'fixed_delay_ms'));
  return readDuration(sink, `${path}.fixedDelay`, own(delay, 'fixedDelay'));
}

/** A duration string such as "250ms" within the delay range. */
function readDuration(sink: ErrorSink, path: string, text: unknown): number | undefined {
  if (typeof text !== 'string') {
    sink.add(path, `expected a duration string such as "1s", "250ms" or "1.5s", found ${describe(text)}`);
    return undefined;
  }
  const parsed = parseDurationMs(text);
  if (!parsed.ok) {
    sink.add(path, `duration ${JSON.stringify(text)} ${parsed.reason}`);
    return undefined;
  }
  return checkDelayRange(sink, path, parsed.ms);
}

function readDelayMs(sink: ErrorSink, path: string, value: unknown): number | undefined {
  const ms = readInteger(sink, path, value, 0, LIMITS.maxDelayMs, 'milliseconds');
  return ms === undefined ? undefined : checkDelayRange(sink, path, ms);
}

function checkDelayRange(sink: ErrorSink, path: string, ms: number): number | undefined {
  if (ms < 1) {
    sink.add(path, 'expected a delay of at least 1ms (omit the delay for none), found 0');
    return undefined;
  }
  if (ms > LIMITS.maxDelayMs) {
    sink.add(path, `expected a delay of at most ${LIMITS.maxDelayMs}ms, found ${ms}ms`);
    return undefined;
  }
  return ms;
}
