// Exit codes scripts can rely on (documented in docs/cli.md). One table, so a new failure mode has to pick one.
export const EXIT = {
  ok: 0,
  /** Validation failed, the server refused or failed the request, anything not covered below. */
  error: 1,
  /** Bad flags or arguments; a destructive command refused without confirmation. */
  usage: 2,
  /** The named policy does not exist. */
  notFound: 3,
  /** The policy changed since it was read (409 version conflict). */
  conflict: 4,
  /** The control plane could not be reached (refused, timed out, DNS). */
  unreachable: 5,
  /** The server refused the token (401 / 403). */
  unauthorized: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
