// top: traffic outcomes per workload, like `kubectl top` (docs/cli.md "top"): a table over a sliding window,
// once or, with --watch, redrawn every 2 s until Ctrl-C (cleared in place on a terminal, appended otherwise).
import type { WorkloadList } from '@hfi/client';
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { renderJson } from '../format/json.js';
import { renderWorkloadTable } from '../format/workloads.js';
import { renderYaml } from '../format/yaml.js';
import { sleep } from '../sleep.js';

const WATCH_INTERVAL_MS = 2000;
/** ANSI: cursor home, clear the screen. */
const CLEAR = '\u001b[H\u001b[2J';

export function topCommand(io: CliIo): Command {
  return new Command('top')
    .description('traffic per workload: WORKLOAD, DATA PLANES, RPS, ERRORS %, P50, P99, FAULTED %')
    .option('--window <duration>', 'the sliding window, 1s to 10m', '1m')
    .option('--service <name>', 'only this service')
    .option('--namespace <name>', 'only this namespace')
    .option('-w, --watch', `redraw every ${WATCH_INTERVAL_MS / 1000} s until Ctrl-C`)
    .addHelpText(
      'after',
      '\nOutput (-o): table (default), json, yaml\n\nExamples:\n  hfi-cli top\n  hfi-cli top --window 30s --watch\n  hfi-cli top --namespace demo -o json',
    )
    .action(async (options: { window: string; service?: string; namespace?: string; watch?: boolean }, command: Command) => {
      const ctx = CliContext.of(io, command);
      const format = ctx.output(['table', 'json', 'yaml'] as const, 'table');
      const read = () =>
        ctx.client.workloads({
          window: options.window,
          ...(options.service !== undefined && { service: options.service }),
          ...(options.namespace !== undefined && { namespace: options.namespace }),
        });
      const show = async (list: WorkloadList): Promise<void> => {
        if (format === 'json') return ctx.out(renderJson(options.watch ? list : list.items));
        if (format === 'yaml') return ctx.out(await renderYaml(list.items));
        if (list.items.length === 0) return ctx.err(`No traffic reported in the last ${options.window}.`);
        ctx.out(renderWorkloadTable(list.items));
      };
      if (!options.watch) return show(await read());
      const stop = new AbortController();
      const unsubscribe = io.onInterrupt(() => stop.abort());
      try {
        while (!stop.signal.aborted) {
          const list = await read();
          if (format === 'table' && io.stdoutIsTTY) io.writeOut(CLEAR);
          await show(list);
          await sleep(WATCH_INTERVAL_MS, stop.signal);
        }
      } finally {
        unsubscribe();
      }
    });
}
