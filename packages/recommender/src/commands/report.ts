// report <session>: the findings of a session, as a table, JSON or Markdown.
import { Command } from 'commander';
import { type RecommenderIo, stateDirectory } from '../context.js';
import { jsonReport } from '../reports/json-report.js';
import { SessionStore } from '../sessions/store.js';
import { topOption } from './options.js';
import { printAndWriteReports } from './output.js';

interface ReportCommandOptions {
  output?: string;
  markdown?: string;
  json?: boolean;
  stateDir?: string;
  top: number;
}

export function reportCommand(io: RecommenderIo): Command {
  return new Command('report')
    .description("print a session's findings (worst first), and write its JSON or Markdown report")
    .argument('<session>', 'session id (see `hfi-recommender list`)')
    .option('--json', 'print the JSON report on stdout instead of the table')
    .option('--output <report.json>', 'write the JSON report here')
    .option('--markdown <report.md>', 'write the Markdown report here')
    .option('--state-dir <dir>', 'where sessions are kept (env HFI_RECOMMENDER_STATE, default ~/.hfi/recommender)')
    .option('--top <n>', 'rows of the findings table', topOption, 10)
    .action(async (id: string, options: ReportCommandOptions) => {
      const { session } = await new SessionStore(stateDirectory(io, options.stateDir)).load(id);
      if (options.json) {
        io.writeOut(`${JSON.stringify(jsonReport(session), null, 2)}\n`);
        return;
      }
      await printAndWriteReports(io, session, options);
    });
}
