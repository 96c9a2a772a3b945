// The command tree and the one place errors become messages and exit codes.

import { HfiApiError, HfiUnreachableError } from '@hfi/client';
import { Command, CommanderError, Option } from 'commander';
import { completionCommand } from './commands/completion.js';
import { dataplanesCommand } from './commands/dataplanes.js';
import { haltCommand } from './commands/halt.js';
import { haltsCommand } from './commands/halts.js';
import { policyApplyCommand } from './commands/policy-apply.js';
import { policyDeleteCommand } from './commands/policy-delete.js';
import { policyDescribeCommand } from './commands/policy-describe.js';
import { policyGetCommand } from './commands/policy-get.js';
import { policyHistoryCommand } from './commands/policy-history.js';
import { policyListCommand } from './commands/policy-list.js';
import { policyResumeCommand } from './commands/policy-resume.js';
import { policyValidateCommand } from './commands/policy-validate.js';
import { policyWatchCommand } from './commands/policy-watch.js';
import { RECOMMEND, recommendCommand } from './commands/recommend.js';
import { resumeCommand } from './commands/resume.js';
import { topCommand } from './commands/top.js';
import type { CliIo } from './context.js';
import { DEFAULT_SERVER, DEFAULT_TIMEOUT } from './context.js';
import { CliError, exitCodeFor } from './errors.js';
import { EXIT } from './exit-codes.js';
import { COLOR, PLAIN, shouldColor } from './format/color.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('hfi-cli')
    .description('Manage HFI fault-injection policies on an HFI control plane')
    .version(io.version, '--version', 'print the hfi-cli version')
    .addOption(new Option('--server <url>', `control plane URL (env HFI_SERVER, default ${DEFAULT_SERVER})`))
    .addOption(new Option('--token <token>', 'bearer token (env HFI_TOKEN)'))
    .addOption(new Option('--timeout <duration>', `per-request timeout, e.g. 10s, 500ms (env HFI_TIMEOUT, default ${DEFAULT_TIMEOUT})`))
    .addOption(new Option('-o, --output <format>', 'output format: table, wide, json, yaml, name (per command)'))
    .option('--no-color', 'no colour (also off when stdout is not a terminal or NO_COLOR is set)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict, 5 control plane unreachable, 6 unauthorized.\nDocs: docs/cli.md',
    );

  const policy = new Command('policy')
    .alias('policies')
    .description('apply, inspect and delete fault-injection policies')
    .addCommand(policyApplyCommand(io))
    .addCommand(policyGetCommand(io))
    .addCommand(policyListCommand(io))
    .addCommand(policyDescribeCommand(io))
    .addCommand(policyDeleteCommand(io))
    .addCommand(policyResumeCommand(io))
    .addCommand(policyValidateCommand(io))
    .addCommand(policyWatchCommand(io))
    .addCommand(policyHistoryCommand(io));

  program
    .addCommand(policy)
    .addCommand(haltCommand(io))
    .addCommand(resumeCommand(io))
    .addCommand(haltsCommand(io))
    .addCommand(dataplanesCommand(io))
    .addCommand(topCommand(io))
    .addCommand(recommendCommand())
    .addCommand(completionCommand(io, () => program));

  // Commander errors (unknown flag, missing argument) become exit 2, and all output goes through io.
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.writeOut(text),
      writeErr: (text) => io.writeErr(text),
      outputError: (text, write) => write(text),
    });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === RECOMMEND) return io.recommend(argv.slice(1));
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io, argv);
  }
}

function reportError(error: unknown, io: CliIo, argv: readonly string[]): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    return EXIT.usage; // commander has printed the message already
  }
  const palette = shouldColor(!argv.includes('--no-color'), io.stdoutIsTTY, io.env) ? COLOR : PLAIN;
  const say = (line: string) => io.writeErr(`${line}\n`);
  const prefix = palette.red('error:');
  if (error instanceof HfiUnreachableError) {
    say(`${prefix} ${error.message}`);
    for (const hint of connectionHints(error)) say(`  ${hint}`);
  } else if (error instanceof HfiApiError) {
    say(`${prefix} ${error.message} (${error.code})`);
    for (const d of error.details) say(`  ${d.path}: ${d.message}`);
    if (error.code === 'HFI_UNAUTHORIZED' || error.code === 'HFI_FORBIDDEN')
      say('  pass a token with --token or the HFI_TOKEN environment variable');
  } else if (error instanceof CliError) {
    say(`${prefix} ${error.message}`);
    for (const line of error.details) say(line);
  } else {
    say(`${prefix} ${(error as Error)?.message ?? String(error)}`);
  }
  return exitCodeFor(error);
}

function connectionHints(error: HfiUnreachableError): string[] {
  if (error.failure === 'timeout') {
    return ['the server accepted no request in time; is it overloaded, or is --timeout too short?'];
  }
  if (error.failure === 'dns') return ['check the host name in --server / HFI_SERVER'];
  const port = portOf(error.server);
  return [
    'is the control plane running? Start one locally with:',
    '    npx hfi-control-plane          (or `npm start` in the hfi repository)',
    'or forward the one in your cluster:',
    `    kubectl port-forward -n hfi-system svc/hfi-control-plane ${port}:8080`,
    'or point hfi-cli at another address with --server URL or HFI_SERVER.',
  ];
}

function portOf(server: string): string {
  try {
    const url = new URL(server);
    return url.port || (url.protocol === 'https:' ? '443' : '80');
  } catch {
    return '8080';
  }
}
