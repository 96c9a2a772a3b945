// The command tree and the one place errors become messages and exit codes.
import { isHfiError } from '@hfi/client';
import { Command, CommanderError } from 'commander';
import { listCommand } from './commands/list.js';
import { reportCommand } from './commands/report.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import type { RecommenderIo } from './context.js';
import { EXIT, RecommenderError } from './errors.js';

/** `name`: how the help names the program (`hfi-cli recommend` when hfi-cli wraps it). */
function buildProgram(io: RecommenderIo, name: string): Command {
  const program = new Command(name)
    .description('Search a fault space for the faults that hurt most (Bayesian optimisation over HFI policies)')
    .version(io.version, '--version', 'print the hfi-recommender version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 error, 2 usage, 3 session not found.\nDocs: docs/recommender.md')
    .addCommand(runCommand(io))
    .addCommand(resumeCommand(io))
    .addCommand(listCommand(io))
    .addCommand(reportCommand(io));
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
export async function runRecommender(argv: readonly string[], io: RecommenderIo, name = 'hfi-recommender'): Promise<number> {
  try {
    await buildProgram(io, name).parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage; // commander has printed the message already
    }
    if (error instanceof RecommenderError) {
      io.writeErr(`error: ${error.message}\n`);
      for (const line of error.details) io.writeErr(`${line}\n`);
      return error.exitCode;
    }
    if (isHfiError(error)) {
      io.writeErr(`error: ${error.message}\n`); // the control plane refused or could not be reached: no stack
      return EXIT.error;
    }
    io.writeErr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.error;
  }
}
