// policy apply -f FILE|DIR|-: validate the whole batch offline, dry-run each policy on the server, then write.

import type { HfiApiError } from '@hfi/client';
import { Command } from 'commander';
import { formatLocatedError, formatOrigin, type LoadedPolicy, loadBatch } from '../batch.js';
import { CliContext, type CliIo } from '../context.js';
import { CliError, isPolicyRefusal } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { readSources } from '../sources.js';
import { collect, wholeSeconds } from './options.js';
import { reportBatchErrors } from './report.js';

interface ApplyOptions {
  filename: string[];
  dryRun?: boolean;
  durationSeconds?: number;
}

export function policyApplyCommand(io: CliIo): Command {
  return new Command('apply')
    .description('create or update policies from YAML/JSON files, directories or stdin')
    .requiredOption('-f, --filename <path>', 'file, directory (recursive: *.yaml, *.yml, *.json) or - for stdin; repeatable', collect)
    .option('--dry-run', 'validate on the server, write nothing')
    .option(
      '--duration-seconds <n>',
      "override every rule's fault.duration_seconds: seconds or a duration, e.g. 300 or 5m (0 = until deleted)",
      wholeSeconds,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  hfi-cli policy apply -f policy.yaml\n  hfi-cli policy apply -f policies/ --dry-run\n  cat p.yaml | hfi-cli policy apply -f - --duration-seconds 300',
    )
    .action(async (options: ApplyOptions, command: Command) => {
      const ctx = CliContext.of(io, command);
      const files = await readSources(options.filename, io);
      const batch = await loadBatch(files, { durationSeconds: options.durationSeconds });
      reportBatchErrors(ctx, batch.errors, 'nothing was applied');
      if (batch.policies.length === 0) throw new CliError(`no policies found in ${options.filename.join(', ')}`);

      const client = ctx.client;
      const suffix = options.dryRun ? ' (dry run)' : '';
      // Every policy passes the server's own check before the first write, so a batch is not half applied
      // because of a mistake the server could have told us about.
      const failures: string[] = [];
      let refused = 0;
      let conflicts = 0;
      const dryRuns = [];
      for (const loaded of batch.policies) {
        try {
          dryRuns.push({ loaded, outcome: await client.dryRunPolicy(loaded.policy) });
        } catch (error) {
          if (!isPolicyRefusal(error)) throw error;
          refused += 1;
          if (error.code === 'HFI_VERSION_CONFLICT') conflicts += 1;
          failures.push(...serverErrorLines(loaded, error));
        }
      }
      if (failures.length > 0) {
        for (const line of failures) ctx.err(line);
        throw new CliError(
          `the server refused ${plural(refused, 'policy', 'policies')}; nothing was applied`,
          conflicts === refused ? EXIT.conflict : EXIT.error,
        );
      }
      if (options.dryRun) {
        for (const { loaded, outcome } of dryRuns) ctx.out(`policy/${loaded.policy.metadata.name} ${outcome.result}${suffix}`);
        return;
      }

      let failed = 0;
      let writeConflicts = 0;
      for (const loaded of batch.policies) {
        try {
          const outcome = await client.applyPolicy(loaded.policy);
          ctx.out(`policy/${loaded.policy.metadata.name} ${outcome.result}`);
        } catch (error) {
          if (!isPolicyRefusal(error)) throw error;
          failed += 1;
          if (error.code === 'HFI_VERSION_CONFLICT') writeConflicts += 1;
          for (const line of serverErrorLines(loaded, error)) ctx.err(line);
        }
      }
      if (failed > 0) {
        throw new CliError(`${plural(failed, 'policy', 'policies')} not applied`, writeConflicts === failed ? EXIT.conflict : EXIT.error);
      }
    });
}

/** A server error mapped back to the file and document the policy came from. */
function serverErrorLines(loaded: LoadedPolicy, error: HfiApiError): string[] {
  const origin = formatOrigin(loaded.origin);
  const details = error.details.map((d) => formatLocatedError({ origin: loaded.origin, path: d.path, message: d.message }));
  if (error.code === 'HFI_VERSION_CONFLICT') {
    const name = loaded.policy.metadata.name;
    return [
      `${origin}: policy "${name}" changed on the server since this file was read (${error.code})`,
      ...details,
      `  get the current one with: hfi-cli policy get ${name} -o yaml (or remove metadata.version to overwrite it)`,
    ];
  }
  return details.length > 0 ? details : [`${origin}: ${error.message} (${error.code})`];
}

function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
