// Readers for the scalar fields of a search space: each adds a FieldError naming the field and returns undefined.

import { parseDurationMs } from '@hfi/duration';
import { describe, type ErrorSink } from '@hfi/policy';

export function readNumber(sink: ErrorSink, path: string, value: unknown, min: number, max: number, meaning: string): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    sink.add(path, `expected a number from ${min} to ${max} (${meaning}), found ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function readInteger(sink: ErrorSink, path: string, value: unknown, min: number, max: number, meaning: string): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    sink.add(path, `expected an integer from ${min} to ${max} (${meaning}), found ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** A duration such as "250ms" or "30s", as in policies; bounds in ms. */
export function readDurationMs(sink: ErrorSink, path: string, value: unknown, minMs: number, maxMs: number): number | undefined {
  if (typeof value !== 'string') {
    sink.add(path, `expected a duration such as "250ms", "30s" or "2m", found ${describe(value)}`);
    return undefined;
  }
  const parsed = parseDurationMs(value);
  if (!parsed.ok) {
    sink.add(path, `duration ${JSON.stringify(value)} ${parsed.reason}`);
    return undefined;
  }
  if (parsed.ms < minMs || parsed.ms > maxMs) {
    sink.add(path, `expected a duration from ${minMs}ms to ${maxMs}ms, found ${parsed.ms}ms`);
    return undefined;
  }
  return parsed.ms;
}

export function readEnum<T extends string>(sink: ErrorSink, path: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    sink.add(path, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, found ${describe(value)}`);
    return undefined;
  }
  return value as T;
}

export function readList(sink: ErrorSink, path: string, value: unknown, maxItems: number, what: string): unknown[] | undefined {
  if (!Array.isArray(value)) {
    sink.add(path, `expected a list of ${what}, found ${describe(value)}`);
    return undefined;
  }
  if (value.length === 0) {
    sink.add(path, `expected at least one of ${what}, found an empty list`);
    return undefined;
  }
  if (value.length > maxItems) {
    sink.add(path, `has ${value.length} items, the limit is ${maxItems}`);
    return undefined;
  }
  return value;
}
