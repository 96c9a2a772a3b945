// halt [--service S] [--namespace N] [--reason TEXT]: the kill switch. Data planes the selector matches
// inject nothing from the moment they have it, and release the requests they were delaying.
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { describeScope } from '../format/halts.js';
import { renderJson } from '../format/json.js';
import { renderYaml } from '../format/yaml.js';
import { selectorOf } from './options.js';

interface HaltOptions {
  service?: string;
  namespace?: string;
  reason?: string;
}

export function haltCommand(io: CliIo): Command {
  return new Command('halt')
    .description('stop every fault now, everywhere or for one service / namespace, until `hfi-cli resume`')
    .option('--service <name>', 'halt only data planes of this service (default: every service)')
    .option('--namespace <ns>', 'halt only data planes in this namespace (default: every namespace)')
    .option('--reason <text>', 'why, for whoever looks later (shown by `hfi-cli halts` and `policy describe`)')
    .addHelpText(
      'after',
      '\nOutput (-o): text (default), json, yaml\n\nExamples:\n  hfi-cli halt --reason "checkout errors, INC-42"\n  hfi-cli halt --service frontend --namespace demo\n  hfi-cli resume',
    )
    .action(async (options: HaltOptions, command: Command) => {
      const ctx = CliContext.of(io, command);
      const format = ctx.output(['text', 'json', 'yaml'] as const, 'text');
      const selector = selectorOf(options);
      const actor = io.env.HFI_ACTOR ?? io.env.USER ?? io.env.LOGNAME;
      const { halt, result } = await ctx.client.halt({
        ...(selector ? { selector } : {}),
        ...(options.reason !== undefined ? { reason: options.reason } : {}),
        ...(actor ? { actor } : {}),
      });
      if (format === 'json') return ctx.out(renderJson(halt));
      if (format === 'yaml') return ctx.out(await renderYaml(halt));
      ctx.out(
        `${result === 'created' ? 'halted' : 'halt updated'}: ${describeScope(halt.selector)}${halt.reason ? ` (${JSON.stringify(halt.reason)})` : ''}`,
      );
    });
}
