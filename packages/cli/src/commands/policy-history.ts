// policy history NAME | --all: the audit history (who changed what, when), newest first, as a table or json / yaml.
import { AUDIT_KINDS, type AuditEntry, type AuditKind } from '@hfi/client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliContext, type CliIo } from '../context.js';
import { UsageError } from '../errors.js';
import { renderAuditTable } from '../format/audit.js';
import { renderJson } from '../format/json.js';
import { renderYaml } from '../format/yaml.js';

export function policyHistoryCommand(io: CliIo): Command {
  return new Command('history')
    .description("a policy's audit history (or every change, with --all): AGE, KIND, ACTOR, TARGET, CHANGE")
    .argument('[name]', 'policy name')
    .option('--all', 'every change to every policy and halt')
    .addOption(new Option('--kind <kind>', 'only this kind of change').choices(AUDIT_KINDS))
    .option('--limit <n>', 'the newest N entries (server default 100, at most 1000)', positiveInteger)
    .addHelpText(
      'after',
      '\nOutput (-o): table (default), json, yaml\n\nExamples:\n  hfi-cli policy history checkout-delay\n  hfi-cli policy history --all --kind halt --limit 20',
    )
    .action(async (name: string | undefined, options: { all?: boolean; kind?: AuditKind; limit?: number }, command: Command) => {
      if (name === undefined && !options.all) throw new UsageError('name a policy, or pass --all for every change');
      if (name !== undefined && options.all) throw new UsageError('pass a policy name or --all, not both');
      const ctx = CliContext.of(io, command);
      const format = ctx.output(['table', 'json', 'yaml'] as const, 'table');
      const entries: AuditEntry[] = await ctx.client.audit({
        ...(name !== undefined ? { policy: name } : {}),
        ...(options.kind !== undefined ? { kind: options.kind } : {}),
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
      });
      if (format === 'json') return ctx.out(renderJson(entries));
      if (format === 'yaml') return ctx.out(await renderYaml(entries));
      if (entries.length === 0) return ctx.err(name !== undefined ? `No audit entries for policy "${name}".` : 'No audit entries.');
      ctx.out(renderAuditTable(entries, ctx.now()));
    });
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of entries, 1 or more');
  return Number(value);
}
