// policy validate -f ...: offline, with the validator the server uses. Nothing is sent anywhere.
import { Command } from 'commander';
import { loadBatch } from '../batch.js';
import { CliContext, type CliIo } from '../context.js';
import { readSources } from '../sources.js';
import { collect, wholeSeconds } from './options.js';
import { reportBatchErrors } from './report.js';

interface ValidateOptions {
  filename: string[];
  durationSeconds?: number;
}

export function policyValidateCommand(io: CliIo): Command {
  return new Command('validate')
    .description('check policy files offline with the same validator as the server')
    .requiredOption('-f, --filename <path>', 'file, directory (recursive) or - for stdin; repeatable', collect)
    .option('--duration-seconds <n>', 'validate as if this override (e.g. 300 or 5m) were given to apply', wholeSeconds)
    .addHelpText(
      'after',
      '\nErrors print as <file>[doc <i>]: <field path>: <message> (documents count from 0).\n\nExamples:\n  hfi-cli policy validate -f policies/\n  hfi-cli policy validate -f a.yaml -f b.json',
    )
    .action(async (options: ValidateOptions, command: Command) => {
      const ctx = CliContext.of(io, command);
      const batch = await loadBatch(await readSources(options.filename, io), { durationSeconds: options.durationSeconds });
      const failing = new Set(batch.errors.map((e) => e.origin.file));
      for (const [file, count] of batch.counts) {
        if (!failing.has(file)) ctx.out(`${file}: ${count} ${count === 1 ? 'policy' : 'policies'} valid`);
      }
      reportBatchErrors(ctx, batch.errors, 'fix them before applying');
    });
}
