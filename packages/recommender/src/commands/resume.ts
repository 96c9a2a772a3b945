// resume <session>: continue a session where it stopped (after a crash, a failure, a halt, or with a larger budget).
import { Command } from 'commander';
import { type RecommenderIo, stateDirectory } from '../context.js';
import { EXIT, RecommenderError } from '../errors.js';
import { SessionStore } from '../sessions/store.js';
import { runSession } from '../trials/runner.js';
import { executorFor } from './executor.js';
import { budgetOption, topOption } from './options.js';
import { printAndWriteReports } from './output.js';
import { trialPrinter } from './progress.js';

interface ResumeOptions {
  budget?: number;
  output?: string;
  markdown?: string;
  stateDir?: string;
  top: number;
  server?: string;
  token?: string;
}

export function resumeCommand(io: RecommenderIo): Command {
  return new Command('resume')
    .description('continue a session: the same suggestions the uninterrupted session would have made')
    .argument('<session>', 'session id (see `hfi-recommender list`)')
    .option('--budget <n>', 'raise the session budget to this many trials', budgetOption)
    .option('--output <report.json>', 'write the JSON report here')
    .option('--markdown <report.md>', 'write the Markdown report here')
    .option('--server <url>', "control plane URL of a live session (default: the session's own)")
    .option('--token <token>', 'bearer token for the control plane (env HFI_TOKEN)')
    .option('--state-dir <dir>', 'where sessions are kept (env HFI_RECOMMENDER_STATE, default ~/.hfi/recommender)')
    .option('--top <n>', 'rows of the findings table', topOption, 10)
    .action(async (id: string, options: ResumeOptions) => {
      const store = new SessionStore(stateDirectory(io, options.stateDir));
      const { session, space } = await store.load(id);
      if (options.budget !== undefined) {
        if (options.budget < session.trials.length) {
          throw new RecommenderError(`--budget ${options.budget}: the session has ${session.trials.length} trials already`, EXIT.usage);
        }
        session.budget = options.budget;
      }
      const executor = executorFor(session, io, options);
      io.writeOut(`Session ${session.id}: resuming at trial ${session.trials.length + 1} of ${session.budget}\n`);
      const done = await runSession(session, space, {
        executor,
        store,
        now: io.now,
        onTrial: trialPrinter(io),
        onNotice: (text) => io.writeErr(`note: ${text}\n`),
      });
      await printAndWriteReports(io, done, options);
    });
}
