// The process edge: the real process (process-io.ts) handed to the command line.
import { processRecommenderIo } from './process-io.js';
import { runRecommender } from './program.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runRecommender(process.argv.slice(2), processRecommenderIo());
process.stdout.write('', () => process.exit(code));
