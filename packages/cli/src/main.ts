// The process edge: real streams, environment, clock and signals; everything below gets them injected.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { text } from 'node:stream/consumers';
import { RECOMMEND_PROGRAM } from './commands/recommend.js';
import type { CliIo } from './context.js';
import { runCli } from './program.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const io: CliIo = {
  writeOut: (chunk) => void process.stdout.write(chunk),
  writeErr: (chunk) => void process.stderr.write(chunk),
  env: process.env,
  stdinIsTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  readStdin: () => text(process.stdin),
  cwd: process.cwd(),
  confirm: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  },
  now: () => Date.now(),
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
  version: pkg.version,
  // Loaded only for `recommend`: the optimisers are not part of every hfi-cli start.
  recommend: async (argv) => {
    const { processRecommenderIo, runRecommender } = await import('@hfi/recommender');
    return runRecommender(argv, processRecommenderIo(), RECOMMEND_PROGRAM);
  },
};

// A closed pipe (`hfi-cli policy list | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2), io);
// Let stdout drain before exiting (pipes are asynchronous).
process.stdout.write('', () => process.exit(code));
