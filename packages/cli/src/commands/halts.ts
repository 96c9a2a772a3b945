// halts: the active halts, as a table (or json / yaml).
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { renderHaltTable } from '../format/halts.js';
import { renderJson } from '../format/json.js';
import { renderYaml } from '../format/yaml.js';

export function haltsCommand(io: CliIo): Command {
  return new Command('halts')
    .description('list active halts: SELECTOR, REASON, ACTOR, AGE')
    .addHelpText('after', '\nOutput (-o): table (default), json, yaml')
    .action(async (_options: unknown, command: Command) => {
      const ctx = CliContext.of(io, command);
      const format = ctx.output(['table', 'json', 'yaml'] as const, 'table');
      const halts = await ctx.client.listHalts();
      if (format === 'json') return ctx.out(renderJson(halts));
      if (format === 'yaml') return ctx.out(await renderYaml(halts));
      if (halts.length === 0) return ctx.err('No active halts.');
      ctx.out(renderHaltTable(halts, ctx.now()));
    });
}
