// The recommender's failures as data: each carries the exit code it ends the process with.

/** The exit codes, with the meanings hfi-cli gives the same numbers (docs/cli.md), so scripts treat both alike. */
export const EXIT = {
  ok: 0,
  /** An invalid space, a failed trial, a corrupt state file, anything not covered below. */
  error: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** The named session does not exist. */
  notFound: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the recommender explains itself: the message, then detail lines (one per field error). */
export class RecommenderError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'RecommenderError';
  }
}
