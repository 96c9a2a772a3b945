// Shared by the tests: fixture paths and a quick way to build stored policies from the forms users write.
import { fileURLToPath } from 'node:url';
import type { StoredPolicy } from '../src/types.js';
import { validatePolicy } from '../src/validate.js';

/** packages/policy/testdata/, from dist/test/ (tests run compiled). */
export const testdataDir = fileURLToPath(new URL('../../testdata/', import.meta.url));

export const T0 = Date.parse('2025-11-22T00:00:00.000Z');

/** Validates `input` (throwing on errors: a test's own input must be valid) and stamps the server fields. */
export function stored(input: unknown, server: { version?: string; updatedAtMs?: number; createdAtMs?: number } = {}): StoredPolicy {
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(`test policy is invalid: ${JSON.stringify(result.errors)}`);
  const updatedAtMs = server.updatedAtMs ?? T0;
  return {
    ...result.policy,
    metadata: {
      ...result.policy.metadata,
      version: server.version ?? '1',
      createdAt: new Date(server.createdAtMs ?? updatedAtMs).toISOString(),
      updatedAt: new Date(updatedAtMs).toISOString(),
    },
  };
}

/** A minimal policy: one rule per entry of `rules` (defaults: always abort 503). */
export function policy(
  name: string,
  rules: unknown[] = [{ fault: { percentage: 100, abort: { httpStatus: 503 } } }],
  spec: Record<string, unknown> = {},
): unknown {
  return { metadata: { name }, spec: { ...spec, rules } };
}
