// Does the search find anything? On the simulated mesh, with examples/recommender/mesh.yaml (its worst point is
// known from how the services are configured), the trials each strategy needs until it reports a finding within
// 90% of the worst severity: median and IQR over seeds, with the same budget for all. Goal: BO <= 0.5 x random.
// `npm run bench -w @hfi/recommender` (env BENCH_SEEDS, BENCH_BUDGET, BENCH_OPTIMIZERS to vary it).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { OptimiserName } from '../src/optimisers/registry.js';
import { simulatedSeverity, trialsUntilFound } from '../src/simulate/search-benchmark.js';
import { readSearchSpace } from '../src/space/read.js';
import { SHARE, SPACE_FILE, verdict, WORST } from './goal.js';
import { quantile, showTrials } from './summary.js';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 20);
const BUDGET = Number(process.env.BENCH_BUDGET ?? 60);
const OPTIMIZERS = (process.env.BENCH_OPTIMIZERS ?? 'bo,tpe,random,grid').split(',') as OptimiserName[];

const read = readSearchSpace(readFileSync(SPACE_FILE, 'utf8'));
if (!read.ok) throw new Error(`${SPACE_FILE}: ${JSON.stringify(read.errors)}`);
const worst = await simulatedSeverity(read.space, WORST, 0);
const threshold = SHARE * worst;
console.log(
  `space ${SPACE_FILE}\nworst severity ${worst} (${JSON.stringify(WORST)}); a finding counts from ${threshold.toFixed(2)}\n` +
    `${SEEDS} seeds, budget ${BUDGET}, load average ${loadavg()[0]!.toFixed(2)} at the start\n`,
);

interface Summary {
  optimizer: OptimiserName;
  median: number;
  q1: number;
  q3: number;
  found: number;
  seconds: number;
}

const summaries: Summary[] = [];
for (const optimizer of OPTIMIZERS) {
  const started = performance.now();
  const counts: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const found = await trialsUntilFound(read.space, read.document, { optimizer, seed, budget: BUDGET, threshold });
    // Not found within the budget counts as budget + 1: the median stays honest (it is ">budget" when printed).
    counts.push(found ?? BUDGET + 1);
  }
  counts.sort((a, b) => a - b);
  const summary = {
    optimizer,
    median: quantile(counts, 0.5),
    q1: quantile(counts, 0.25),
    q3: quantile(counts, 0.75),
    found: counts.filter((c) => c <= BUDGET).length,
    seconds: (performance.now() - started) / 1000,
  };
  summaries.push(summary);
  console.log(
    `${optimizer.padEnd(7)} median ${show(summary.median)}  IQR ${show(summary.q1)}-${show(summary.q3)}  found ${summary.found}/${SEEDS}  (${summary.seconds.toFixed(1)} s)  trials: ${counts.map(show).join(' ')}`,
  );
}
const random = summaries.find((s) => s.optimizer === 'random');
if (random) {
  console.log('');
  for (const s of summaries) {
    if (s.optimizer === 'random') continue;
    const ratio = s.median / random.median;
    console.log(`${s.optimizer} / random median trials: ${ratio.toFixed(2)}${s.optimizer === 'bo' ? ` ${verdict(ratio)}` : ''}`);
  }
}

function show(trials: number): string {
  return showTrials(trials, BUDGET);
}
