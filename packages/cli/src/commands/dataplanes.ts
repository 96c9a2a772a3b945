// dataplanes (dp): the data planes the control plane knows, and whether they are connected now.

import type { DataPlane } from '@hfi/client';
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { renderJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatAge } from '../format/time.js';
import { renderYaml } from '../format/yaml.js';

const COLUMNS = ['INSTANCE', 'SERVICE', 'NAMESPACE', 'POD', 'VERSION', 'LAST SEEN', 'CONNECTED'];

export function dataplanesCommand(io: CliIo): Command {
  return new Command('dataplanes')
    .alias('dp')
    .description('list data planes: INSTANCE, SERVICE, NAMESPACE, POD, VERSION, LAST SEEN, CONNECTED')
    .addHelpText('after', '\nOutput (-o): table (default), json, yaml')
    .action(async (_options: unknown, command: Command) => {
      const ctx = CliContext.of(io, command);
      const format = ctx.output(['table', 'json', 'yaml'] as const, 'table');
      const planes = [...(await ctx.client.listDataPlanes())].sort((a, b) =>
        a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0,
      );
      if (format === 'json') return ctx.out(renderJson(planes));
      if (format === 'yaml') return ctx.out(await renderYaml(planes));
      if (planes.length === 0) return ctx.err('No data planes have connected.');
      ctx.out(
        renderTable(
          COLUMNS,
          planes.map((p) => row(ctx, p)),
        ),
      );
    });
}

function row(ctx: CliContext, p: DataPlane): string[] {
  const id = p.identity ?? { service: null, namespace: null, pod: null };
  return [
    p.instance,
    id.service ?? '<unknown>',
    id.namespace ?? '<unknown>',
    id.pod ?? '<unknown>',
    String(p.version),
    `${formatAge(p.lastSeen, ctx.now())} ago`,
    p.connected ? ctx.palette.green('yes') : ctx.palette.dim('no'),
  ];
}
