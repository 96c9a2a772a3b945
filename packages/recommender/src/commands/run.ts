// run -f space.yaml: a new session over the space, run until its budget is used.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { type RecommenderIo, stateDirectory } from '../context.js';
import { RecommenderError } from '../errors.js';
import { OPTIMISER_NAMES, type OptimiserName } from '../optimisers/registry.js';
import { SESSION_FORMAT, type Session } from '../sessions/session.js';
import { SessionStore } from '../sessions/store.js';
import { readSearchSpace } from '../space/read.js';
import { runSession } from '../trials/runner.js';
import { executorFor, serverOf } from './executor.js';
import { budgetOption, seedOption, topOption } from './options.js';
import { printAndWriteReports } from './output.js';
import { trialPrinter } from './progress.js';

interface RunOptions {
  file: string;
  budget?: number;
  seed?: number;
  server?: string;
  token?: string;
  output?: string;
  markdown?: string;
  optimizer: OptimiserName;
  simulate?: boolean;
  stateDir?: string;
  top: number;
}

export function runCommand(io: RecommenderIo): Command {
  return new Command('run')
    .description('start a session: search the space, one time-limited trial policy at a time, and report the worst faults')
    .requiredOption('-f, --file <space.yaml>', 'the search space (YAML or JSON)')
    .option('--budget <n>', 'number of trials (overrides the space file)', budgetOption)
    .option('--seed <n>', 'random seed (overrides the space file)', seedOption)
    .addOption(new Option('--optimizer <name>', 'search strategy').choices(OPTIMISER_NAMES).default('bo'))
    .option('--simulate', 'run the trials on the simulated mesh: a dry demonstration, no control plane involved')
    .option('--server <url>', 'control plane URL for live trials (env HFI_SERVER, default http://127.0.0.1:8080)')
    .option('--token <token>', 'bearer token for the control plane (env HFI_TOKEN): admin, as trials write policies')
    .option('--output <report.json>', 'write the JSON report here')
    .option('--markdown <report.md>', 'write the Markdown report here')
    .option('--state-dir <dir>', 'where sessions are kept (env HFI_RECOMMENDER_STATE, default ~/.hfi/recommender)')
    .option('--top <n>', 'rows of the findings table', topOption, 10)
    .action(async (options: RunOptions) => {
      const text = await readSpaceFile(options.file);
      const read = readSearchSpace(text);
      if (!read.ok) {
        throw new RecommenderError(
          `${options.file}: invalid search space (${read.errors.length} error${read.errors.length === 1 ? '' : 's'}); no trial was run`,
          undefined,
          read.errors.map((e) => `  ${e.path === '' ? '(top level)' : e.path}: ${e.message}`),
        );
      }
      const store = new SessionStore(stateDirectory(io, options.stateDir));
      const created = new Date(io.now()).toISOString();
      const session: Session = {
        format: SESSION_FORMAT,
        id: `${read.space.name}-${io.newIdSuffix()}`,
        createdAt: created,
        updatedAt: created,
        state: 'running',
        spaceFile: options.file,
        space: read.document,
        seed: options.seed ?? read.space.seed,
        budget: options.budget ?? read.space.budget,
        optimizer: options.optimizer,
        executor: options.simulate ? 'simulated' : 'live',
        ...(!options.simulate && { server: serverOf(io, options) }),
        trials: [],
      };
      const where = session.server ? `live on ${session.server}` : 'simulated mesh';
      io.writeOut(`Session ${session.id}: ${session.optimizer}, ${session.budget} trials, seed ${session.seed}, ${where}\n`);
      const done = await runSession(session, read.space, {
        executor: executorFor(session, io, options),
        store,
        now: io.now,
        onTrial: trialPrinter(io),
        onNotice: (text) => io.writeErr(`note: ${text}\n`),
      });
      await printAndWriteReports(io, done, options);
      io.writeOut(`Saved in ${store.pathOf(done.id)}\n`);
    });
}

async function readSpaceFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new RecommenderError(`cannot read the search space ${path}: ${(error as Error).message}`);
  }
}
