// Prints offline validation errors one per line and stops the command.

import { formatLocatedError, type LocatedError } from '../batch.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';

export function reportBatchErrors(ctx: CliContext, errors: readonly LocatedError[], consequence: string): void {
  if (errors.length === 0) return;
  for (const error of errors) ctx.err(formatLocatedError(error));
  const files = new Set(errors.map((e) => e.origin.file)).size;
  throw new CliError(
    `${errors.length} validation error${errors.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; ${consequence}`,
  );
}
