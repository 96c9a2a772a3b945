// Validation errors as data: each names the field by path and says what was expected and what was found.
import { childPath } from '@hfi/api/constants';
import type { FieldError } from './types.js';

export { childPath, describe } from '@hfi/api/constants';

/** Collects every error of one validation run (callers want them all at once, not the first). */
export class ErrorSink {
  readonly errors: FieldError[] = [];

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  get count(): number {
    return this.errors.length;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Edit distance with adjacent transpositions ("sepc" is one edit from "spec"): only used to suggest a field name. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** The closest known name, when it is close enough to be a plausible typo. */
function suggest(unknown: string, known: readonly string[]): string | undefined {
  if (unknown.length > 64) return undefined;
  const lower = unknown.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.floor((best?.length ?? 0) / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** Reports every own key of `value` not in `known` as an unknown field, with a did-you-mean. */
export function rejectUnknownKeys(sink: ErrorSink, path: string, value: Record<string, unknown>, known: readonly string[]): void {
  reportKeys(sink, path, value, known, false);
}

/**
 * rejectUnknownKeys, and every known key whose value is null is refused too: policies refuse `null` everywhere, as
 * YAML reads an empty value (`percentage:`) as null, and taking it for "absent" silently gave the default (a 1%
 * fault became 100%). Leaving the field out gives the default.
 */
export function checkKeys(sink: ErrorSink, path: string, value: Record<string, unknown>, known: readonly string[]): void {
  reportKeys(sink, path, value, known, true);
}

function reportKeys(sink: ErrorSink, path: string, value: Record<string, unknown>, known: readonly string[], refuseNull: boolean): void {
  for (const key of Object.keys(value)) {
    const where = childPath(path, key);
    if (!known.includes(key)) {
      const hint = suggest(key, known);
      sink.add(where, hint ? `unknown field (did you mean "${hint}"?)` : `unknown field (expected one of: ${known.join(', ')})`);
    } else if (refuseNull && value[key] === null) {
      sink.add(where, NULL_REFUSED);
    }
  }
}

const NULL_REFUSED = 'expected a value, found null (in YAML, an empty value is null): leave the field out to get its default';

/** Own property read that never reaches the prototype chain (`toString`, `__proto__` are plain keys here). */
export function own(value: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(value, key) ? value[key] : undefined;
}

export function hasOwn(value: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(value, key);
}
