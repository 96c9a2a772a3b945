// The process as the recommender sees it, for a process edge: hfi-recommender's main.ts and `hfi-cli recommend`.
// Real streams, environment, clock and randomness; everything below gets them injected.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { RecommenderIo } from './context.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function processRecommenderIo(): RecommenderIo {
  return {
    writeOut: (text) => void process.stdout.write(text),
    writeErr: (text) => void process.stderr.write(text),
    env: process.env,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Base-36 digits of 5 random bytes: 8 characters, lower-case, valid in a DNS label.
    newIdSuffix: () =>
      BigInt(`0x${randomBytes(5).toString('hex')}`)
        .toString(36)
        .padStart(8, '0'),
    homedir: homedir(),
    version: pkg.version,
  };
}
