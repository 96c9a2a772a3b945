// The one registry of API error codes. Every error a client sees is `{code, message, details[]}`;
// callers branch on `code`, never on the message or the HTTP status. docs/api.md lists the same table
// (test/docs.test.ts keeps them equal).
import { type Static, Type } from '@sinclair/typebox';
import { CLOSED } from './schema.js';

export const ERROR_CODES = {
  HFI_INVALID_POLICY: { status: 400, message: 'the policy is invalid' },
  HFI_INVALID_REQUEST: { status: 400, message: 'the request is invalid' },
  HFI_MALFORMED_BODY: { status: 400, message: 'the request body could not be parsed' },
  HFI_UNAUTHORIZED: { status: 401, message: 'a valid bearer token is required' },
  HFI_FORBIDDEN: { status: 403, message: 'this token may not perform this operation' },
  HFI_NOT_FOUND: { status: 404, message: 'not found' },
  HFI_REQUEST_TIMEOUT: { status: 408, message: 'the request was not received within REQUEST_TIMEOUT' },
  HFI_VERSION_CONFLICT: { status: 409, message: 'metadata.version is not the current version' },
  HFI_BODY_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  HFI_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported content type' },
  HFI_POLICY_LIMIT: { status: 422, message: 'the maximum number of policies is reached' },
  HFI_HEADERS_TOO_LARGE: { status: 431, message: 'the request headers are too large' },
  HFI_INTERNAL: { status: 500, message: 'internal error' },
  HFI_STORE_UNAVAILABLE: { status: 503, message: 'the policy store is unavailable' },
  HFI_NO_RULE_SET: { status: 503, message: 'no rule set has been compiled yet' },
  HFI_SHUTTING_DOWN: { status: 503, message: 'the server is shutting down' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export const ErrorDetail = Type.Object(
  {
    path: Type.String({ description: 'the field, e.g. `spec.rules[0].fault.percentage` ("" for the whole body)' }),
    message: Type.String({ description: 'what was expected, and what was found' }),
  },
  CLOSED,
);
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorBody = Type.Object(
  {
    code: Type.Union(
      ERROR_CODE_NAMES.map((code) => Type.Literal(code)),
      { description: 'stable: branch on it (docs/api.md "Errors")' },
    ),
    message: Type.String({ description: 'for people; may change between versions' }),
    details: Type.Array(ErrorDetail, { description: 'field errors, possibly none' }),
  },
  { ...CLOSED, $id: 'ErrorBody', description: 'Every error the API answers.' },
);
export type ErrorBody = Static<typeof ErrorBody>;
