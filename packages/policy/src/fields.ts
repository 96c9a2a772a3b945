// Readers for values that several parts of a policy share (integers in a range, header names), each reporting
// its problem to the sink under the field's path.
import { describe, type ErrorSink } from './errors.js';

/** RFC 9110 token: header names and methods. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function readInteger(sink: ErrorSink, path: string, value: unknown, min: number, max: number, meaning: string): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    sink.add(path, `expected an integer from ${min} to ${max} (${meaning}), found ${describe(value)}`);
    return undefined;
  }
  if (value < min || value > max) {
    sink.add(path, `expected an integer from ${min} to ${max} (${meaning}), found ${value}`);
    return undefined;
  }
  return value === 0 ? 0 : value; // -0 -> 0
}

/** A header name, lower-cased; pseudo-headers (`:authority`) only where the caller allows them. */
export function readHeaderName(sink: ErrorSink, path: string, value: unknown, options: { allowPseudo: boolean }): string | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (typeof value !== 'string' || value === '') {
    sink.add(path, `expected a header name such as "x-user", found ${describe(value)}`);
    return undefined;
  }
  const pseudo = value.startsWith(':');
  const token = pseudo ? value.slice(1) : value;
  if ((pseudo && !options.allowPseudo) || !TOKEN.test(token) || value.length > 256) {
    const expected = options.allowPseudo
      ? 'a header name (letters, digits and !#$%&\'*+-.^_`|~; or a pseudo-header such as ":authority")'
      : "a header name (letters, digits and !#$%&'*+-.^_`|~)";
    sink.add(path, `expected ${expected}, found ${describe(value)}`);
    return undefined;
  }
  return value.toLowerCase();
}

/** Whether a field is given a value: present and not null (a null was refused by checkKeys already). */
export function given(value: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(value, key) && value[key] !== undefined && value[key] !== null;
}

/** Whether a field is written at all, null included (null is refused by checkKeys, never taken for absent). */
export function written(value: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(value, key) && value[key] !== undefined;
}
