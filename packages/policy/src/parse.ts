import type { FieldError } from './types.js';
/** Splits YAML (several documents) or JSON text into plain values; syntax errors become FieldErrors with `document`. Never throws. */
export function parsePolicyDocuments(_text: string): { documents: unknown[]; errors: FieldError[] } {
  throw new Error('not implemented');
}
