// How routes use the contract's schemas. Requests: checked with TypeBox's compiled checks against the
// @hfi/api schemas (no coercion, every problem reported), and refused as HFI_INVALID_REQUEST with a detail
// per field. A policy body is left to the policy validator (`checkedBy`). Responses: serialised with
// JSON.stringify; their schemas document and type them, and the API tests check answers against them
// (ADR 0080), so a field missing from a schema cannot silently vanish from an answer.
import { COMPONENT_SCHEMAS, compileChecker, type ErrorDetail } from '@hfi/api';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HfiError } from '../errors.js';

/** Marks a request schema that is published but checked by the handler (the policy validator). */
const CHECKED_BY = 'x-hfi-checked-by';

export function checkedBy<T extends TSchema>(schema: T, checker: string): T {
  return { ...schema, [CHECKED_BY]: checker };
}

const PARTS: Record<string, string> = { body: 'body', querystring: 'query', params: 'path parameters', headers: 'headers' };

export function useContract(app: FastifyInstance): void {
  for (const schema of COMPONENT_SCHEMAS) app.addSchema(schema);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (CHECKED_BY in schema) return () => true;
    const checker = compileChecker(schema as TSchema, [...COMPONENT_SCHEMAS]);
    const part = PARTS[httpPart ?? 'body'] ?? String(httpPart);
    return (value: unknown) => (checker.check(value) ? { value } : { error: invalidRequest(part, checker.errors(value)) });
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

function invalidRequest(part: string, details: ErrorDetail[]): HfiError {
  const first = details[0];
  const where = first?.path ? `${part}: ${first.path}` : part;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new HfiError('HFI_INVALID_REQUEST', `invalid ${where}: ${first?.message ?? 'does not fit the schema'}${more}`, details);
}
