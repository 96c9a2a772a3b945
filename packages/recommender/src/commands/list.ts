// list: the sessions in the state directory, newest first.
import Table from 'cli-table3';
import { Command } from 'commander';
import { type RecommenderIo, stateDirectory } from '../context.js';
import { SessionStore } from '../sessions/store.js';

export function listCommand(io: RecommenderIo): Command {
  return new Command('list')
    .description('list the sessions (newest first) with their state and worst finding')
    .option('--state-dir <dir>', 'where sessions are kept (env HFI_RECOMMENDER_STATE, default ~/.hfi/recommender)')
    .action(async (options: { stateDir?: string }) => {
      const store = new SessionStore(stateDirectory(io, options.stateDir));
      const entries = await store.list();
      if (entries.length === 0) {
        io.writeOut(`No session in ${store.directory}.\n`);
        return;
      }
      const table = new Table({ head: ['session', 'state', 'optimizer', 'trials', 'worst', 'created'], style: { head: [], border: [] } });
      for (const entry of entries) {
        if (!entry.ok) {
          table.push([entry.id, 'unreadable', '', '', '', entry.reason]);
          continue;
        }
        const s = entry.session;
        const worst = s.trials.length === 0 ? '' : Math.max(...s.trials.map((t) => t.score.severity)).toFixed(2);
        table.push([s.id, s.state, s.optimizer, `${s.trials.length}/${s.budget}`, worst, s.createdAt]);
      }
      io.writeOut(`${table.toString()}\n`);
    });
}
