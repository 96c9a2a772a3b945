// The CLI's failures as data: each carries the exit code it ends the process with.
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

/** One field error from the server or the offline validator. */
export interface ApiErrorDetail {
  path: string;
  message: string;
}

/** The control plane answered with an error body `{code, message, details}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ConnectionFailure = 'refused' | 'timeout' | 'dns' | 'reset' | 'other';

/** No HTTP answer at all: the address is wrong, the server is down, or it did not answer in time. */
export class ConnectionError extends Error {
  constructor(
    readonly server: string,
    readonly failure: ConnectionFailure,
    readonly reason: string,
  ) {
    super(`cannot reach the control plane at ${server} (${reason})`);
    this.name = 'ConnectionError';
  }
}

/** Maps any error to the exit code documented in docs/cli.md. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConnectionError) return EXIT.unreachable;
  if (error instanceof ApiError) {
    if (error.status === 404) return EXIT.notFound;
    if (error.status === 409) return EXIT.conflict;
    if (error.status === 401 || error.status === 403) return EXIT.unauthorized;
    return EXIT.error;
  }
  return EXIT.error;
}
