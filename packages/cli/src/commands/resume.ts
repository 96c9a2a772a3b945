// resume [--service S] [--namespace N]: lifts one halt, or every halt.
import { isHfiError, type ResumeOutcome } from '@hfi/client';
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { describeScope, formatSelector } from '../format/halts.js';
import { selectorOf } from './options.js';

export function resumeCommand(io: CliIo): Command {
  return new Command('resume')
    .description('lift the halt of one service / namespace (as given to `hfi-cli halt`), or every halt')
    .option('--service <name>', 'the service of the halt to lift')
    .option('--namespace <ns>', 'the namespace of the halt to lift')
    .addHelpText('after', '\nExamples:\n  hfi-cli resume\n  hfi-cli resume --service frontend --namespace demo')
    .action(async (options: { service?: string; namespace?: string }, command: Command) => {
      const ctx = CliContext.of(io, command);
      const selector = selectorOf(options);
      let resumed: ResumeOutcome;
      try {
        resumed = await ctx.client.resume(selector);
      } catch (error) {
        if (selector && isHfiError(error, 'HFI_NOT_FOUND')) {
          throw new CliError(`no halt for ${formatSelector(selector)}`, EXIT.notFound, ['  see the active ones with: hfi-cli halts']);
        }
        throw error;
      }
      for (const key of resumed.skipped) ctx.out(`removed store key ${key.key} (${key.reason})`);
      if (resumed.removed.length === 0 && resumed.skipped.length === 0) return ctx.err('No active halts.');
      for (const halt of resumed.removed) ctx.out(`resumed: ${describeScope(halt.selector)}`);
    });
}
