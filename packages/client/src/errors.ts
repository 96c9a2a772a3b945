// The client's failures as data. Callers branch on `code`: the API's own codes (the @hfi/api registry)
// for answers, HFI_UNREACHABLE when no answer came, HFI_BAD_RESPONSE when the answer was not HFI's.
import type { ErrorCode, ErrorDetail } from '@hfi/api';

/** Every code a client error can carry; codes a newer server adds pass through as strings. */
export type HfiErrorCode = ErrorCode | 'HFI_UNREACHABLE' | 'HFI_BAD_RESPONSE' | (string & {});

/** The control plane answered with an error body `{code, message, details}` (or with something that is not HFI's). */
export class HfiApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'HFI_BAD_RESPONSE' | (string & {}),
    /** The HTTP status: informational, the code is what to branch on. */
    readonly status: number,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'HfiApiError';
  }
}

export type UnreachableReason = 'refused' | 'timeout' | 'dns' | 'reset' | 'other';

/** No HTTP answer at all: the address is wrong, the server is down, or it did not answer in time. */
export class HfiUnreachableError extends Error {
  readonly code = 'HFI_UNREACHABLE' as const;

  constructor(
    readonly server: string,
    readonly failure: UnreachableReason,
    readonly reason: string,
  ) {
    super(`cannot reach the control plane at ${server} (${reason})`);
    this.name = 'HfiUnreachableError';
  }
}

/** True when `error` came from the client (with `code`, when given). */
export function isHfiError(error: unknown, code?: HfiErrorCode): error is HfiApiError | HfiUnreachableError {
  if (!(error instanceof HfiApiError || error instanceof HfiUnreachableError)) return false;
  return code === undefined || error.code === code;
}
