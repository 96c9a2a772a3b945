import type { ValidationResult } from './types.js';
/** Validates any value and normalises it to the canonical FaultInjectionPolicy; reports every error at once. Never throws. */
export function validatePolicy(_input: unknown): ValidationResult {
  throw new Error('not implemented');
}
