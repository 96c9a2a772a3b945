// policy resume NAME...: resumes policies a stop condition stopped (halts are lifted with `hfi-cli resume`).
import { isHfiError } from '@hfi/client';
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

export function policyResumeCommand(io: CliIo): Command {
  return new Command('resume')
    .description('resume policies a stop condition stopped (phase Halted with a halt reason): their faults start again')
    .argument('<names...>', 'policy names')
    .addHelpText(
      'after',
      '\nA halt (hfi-cli halt) is lifted with hfi-cli resume. Re-applying a stopped policy with changed content also\nruns it again.\n\nExamples:\n  hfi-cli policy resume cart-abort',
    )
    .action(async (names: string[], _options: unknown, command: Command) => {
      const ctx = CliContext.of(io, command);
      const failed: string[] = [];
      for (const name of names) {
        try {
          await ctx.client.resumePolicy(name);
          ctx.out(`policy/${name} resumed`);
        } catch (error) {
          if (!isHfiError(error, 'HFI_NOT_FOUND')) throw error;
          ctx.err(`error: ${error.message}`);
          failed.push(name);
        }
      }
      if (failed.length > 0) {
        throw new CliError(`${failed.length} of ${names.length} not resumed: ${failed.join(', ')}`, EXIT.notFound, [
          '  see why a policy stopped with: hfi-cli policy describe NAME',
        ]);
      }
    });
}
