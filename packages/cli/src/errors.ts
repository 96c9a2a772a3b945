// The CLI's failures as data: each carries the exit code it ends the process with. The client's errors
// (@hfi/client) are mapped to exit codes by their `code`, never by HTTP status.
import { HfiApiError, type HfiErrorCode, isHfiError } from '@hfi/client';
import { EXIT, type ExitCode } from './exit-codes.js';

/** A failure the CLI explains itself: `message` first, then optional detail lines. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, EXIT.usage, details);
    this.name = 'UsageError';
  }
}

/** Maps any error to the exit code documented in docs/cli.md. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (isHfiError(error)) return EXIT_BY_CODE[error.code] ?? EXIT.error;
  return EXIT.error;
}

const EXIT_BY_CODE: Partial<Record<HfiErrorCode, ExitCode>> = {
  HFI_UNREACHABLE: EXIT.unreachable,
  HFI_NOT_FOUND: EXIT.notFound,
  HFI_VERSION_CONFLICT: EXIT.conflict,
  HFI_UNAUTHORIZED: EXIT.unauthorized,
  HFI_FORBIDDEN: EXIT.unauthorized,
};

/** Codes that say this one policy was refused (the batch goes on); anything else stops the command. */
const POLICY_REFUSALS = new Set<HfiErrorCode>([
  'HFI_INVALID_POLICY',
  'HFI_INVALID_REQUEST',
  'HFI_MALFORMED_BODY',
  'HFI_VERSION_CONFLICT',
  'HFI_BODY_TOO_LARGE',
  'HFI_UNSUPPORTED_MEDIA_TYPE',
  'HFI_POLICY_LIMIT',
]);

export function isPolicyRefusal(error: unknown): error is HfiApiError {
  return error instanceof HfiApiError && POLICY_REFUSALS.has(error.code);
}
