// Errors the API answers: an HfiError carries a code of the one registry (@hfi/api ERROR_CODES), which
// gives its status; the error handler serialises it as `{code, message, details[]}`.
import { ERROR_CODES, type ErrorBody, type ErrorCode, type ErrorDetail } from '@hfi/api';
import type { FieldError } from '@hfi/policy';

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
