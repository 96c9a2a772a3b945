// policy delete NAME... | -f FILE | --all

import { isHfiError } from '@hfi/client';
import { Command } from 'commander';
import { listItems, policyModule } from '../batch.js';
import { CliContext, type CliIo } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { readSources, type SourceFile } from '../sources.js';
import { collect } from './options.js';

interface DeleteOptions {
  filename?: string[];
  all?: boolean;
  yes?: boolean;
}

export function policyDeleteCommand(io: CliIo): Command {
  return new Command('delete')
    .alias('rm')
    .description('delete policies by name, by the files that define them, or all of them')
    .argument('[names...]', 'policy names')
    .option('-f, --filename <path>', 'delete the policies named in these files (repeatable)', collect)
    .option('--all', 'delete every policy (asks first on a terminal)')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      '\nExamples:\n  hfi-cli policy delete api-delay checkout-abort\n  hfi-cli policy delete -f policies/\n  hfi-cli policy delete --all --yes',
    )
    .action(async (names: string[], options: DeleteOptions, command: Command) => {
      const ctx = CliContext.of(io, command);
      const fromFiles = options.filename ? await namesInFiles(await readSources(options.filename, io)) : [];
      const targets = [...new Set([...names, ...fromFiles])];
      if (options.all && targets.length > 0) throw new UsageError('--all cannot be combined with names or -f');
      if (!options.all && targets.length === 0) {
        throw new UsageError('say which policies to delete: NAME..., -f FILE, or --all');
      }

      if (options.all) {
        const all = await ctx.client.listPolicies();
        if (all.length === 0) {
          ctx.err('No policies found.');
          return;
        }
        if (!options.yes) {
          if (!io.stdinIsTTY) {
            throw new UsageError('--all deletes every policy: confirm with --yes when not on a terminal');
          }
          const ok = await io.confirm(`Delete all ${all.length} policies on ${ctx.server}? [y/N] `);
          if (!ok) throw new CliError('nothing deleted', EXIT.usage);
        }
        targets.push(...all.map((p) => p.metadata.name).sort());
      }

      const missing: string[] = [];
      for (const name of targets) {
        try {
          await ctx.client.deletePolicy(name);
          ctx.out(`policy/${name} deleted`);
        } catch (error) {
          if (isHfiError(error, 'HFI_NOT_FOUND')) {
            missing.push(name);
            ctx.err(`error: policy "${name}" not found`);
            continue;
          }
          throw error;
        }
      }
      if (missing.length > 0) throw new CliError(`${missing.length} of ${targets.length} not found`, EXIT.notFound);
    });
}

/** Names from metadata.name of every document; the rest of the policy does not need to be valid to delete it. */
async function namesInFiles(files: readonly SourceFile[]): Promise<string[]> {
  const { parsePolicyDocuments } = await policyModule();
  const names: string[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const parsed = parsePolicyDocuments(file.text);
    for (const e of parsed.errors) problems.push(`${file.label}[doc ${e.document ?? 0}]: ${e.path ? `${e.path}: ` : ''}${e.message}`);
    parsed.documents.forEach((document, index) => {
      if (document === null || document === undefined) return;
      for (const [item, value] of listItems(document)) {
        const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
        if (typeof name === 'string' && name !== '') names.push(name);
        else
          problems.push(
            `${file.label}[doc ${index}${item === undefined ? '' : `, item ${item}`}]: metadata.name: required to know what to delete`,
          );
      }
    });
  }
  if (problems.length > 0) throw new CliError(`cannot tell which policies to delete; nothing was deleted`, EXIT.error, problems);
  return names;
}
