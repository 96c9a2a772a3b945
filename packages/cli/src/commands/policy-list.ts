// policy list: every policy as a table (or json / yaml / wide / name).

import type { PolicyWithStatus } from '@hfi/client';
import { Command } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { renderJson } from '../format/json.js';
import { renderPolicyTable } from '../format/policy-table.js';
import { renderYaml } from '../format/yaml.js';

export const LIST_FORMATS = ['table', 'wide', 'json', 'yaml', 'name'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export function policyListCommand(io: CliIo): Command {
  return new Command('list')
    .alias('ls')
    .description('list policies: NAME, SELECTOR, RULES, STATUS, FAULTS, DATAPLANES, AGE')
    .addHelpText(
      'after',
      "\nOutput (-o): table (default), wide, json (an array), yaml, name\n\nExamples:\n  hfi-cli policy list\n  hfi-cli policy list -o wide\n  hfi-cli policy list -o json | jq '.[] | .spec.rules | length'",
    )
    .action(async (_options: unknown, command: Command) => {
      const ctx = CliContext.of(io, command);
      const format = ctx.output(LIST_FORMATS, 'table');
      const policies = await ctx.client.listPolicies();
      await printPolicies(ctx, policies, format, true);
    });
}

/** Shared by `list` and `get`: a list prints as an array, a single policy as an object. */
export async function printPolicies(
  ctx: CliContext,
  policies: readonly PolicyWithStatus[],
  format: ListFormat,
  asList: boolean,
): Promise<void> {
  const sorted = [...policies].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  switch (format) {
    case 'json':
      ctx.out(renderJson(asList ? sorted : sorted[0]));
      return;
    case 'yaml':
      ctx.out(await renderYaml(asList ? sorted : sorted[0]));
      return;
    case 'name':
      for (const p of sorted) ctx.out(`policy/${p.metadata.name}`);
      return;
    case 'table':
    case 'wide':
      if (sorted.length === 0) {
        ctx.err('No policies found.');
        return;
      }
      ctx.out(renderPolicyTable(sorted, { wide: format === 'wide', nowMs: ctx.now(), palette: ctx.palette }));
  }
}
