// The one registry of API error codes. Every error a client sees is `{code, message, details[]}`;
// callers branch on `code`, never on the message.
import type { FieldError } from '@hfi/policy';

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
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
}

export class HfiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message?: string, details: ErrorDetail[] = []) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'HfiError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
    this.details = details;
  }

  toJSON(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isHfiError(error: unknown): error is HfiError {
  return error instanceof HfiError;
}

/** Field errors from the policy package, in the wire shape (the document index is dropped: one body, one policy). */
export function fieldDetails(errors: readonly FieldError[]): ErrorDetail[] {
  return errors.map((e) => ({ path: e.path, message: e.message }));
}
