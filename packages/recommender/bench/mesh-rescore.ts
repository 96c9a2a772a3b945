// The mesh benchmark's summary again from its output, for another finding threshold:
//   node dist/bench/mesh-rescore.js mesh.log 8.42
// counts a finding from 90% of the given worst severity. Exact for any threshold at or below the one the run used:
// each session ran until the run's threshold or its budget, and every trial's severity is in its output line.
import { readFileSync } from 'node:fs';
import type { OptimiserName } from '../src/optimisers/registry.js';
import { SHARE } from './goal.js';
import { firstReaching, type SessionFound, summaryLines } from './mesh-summary.js';

const [file, worstText] = process.argv.slice(2);
const worst = Number(worstText);
if (!file || !(worst > 0)) throw new Error('usage: mesh-rescore.js <mesh bench output> <worst severity>');
const log = readFileSync(file, 'utf8');
const budget = Number(/budget (\d+)/.exec(log)?.[1]);
if (!Number.isInteger(budget)) throw new Error(`${file}: no "budget N" line: not the mesh benchmark's output`);

const threshold = SHARE * worst;
const results: (SessionFound & { severities: number[] })[] = [];
for (const [, seed, optimizer, severities] of log.matchAll(/^seed (\d+) (\w+) .*; severities ([\d. ]*)\)$/gm)) {
  const list = severities!.trim().split(/\s+/).filter(Boolean).map(Number);
  results.push({ seed: Number(seed), optimizer: optimizer as OptimiserName, severities: list, found: firstReaching(list, threshold) });
}
const optimizers = [...new Set(results.map((r) => r.optimizer))];
console.log(
  `${results.length} sessions from ${file}, budget ${budget}; a finding counts from ${threshold.toFixed(2)} (${SHARE} x ${worst})`,
);
for (const line of summaryLines(results, optimizers, budget)) console.log(line);
