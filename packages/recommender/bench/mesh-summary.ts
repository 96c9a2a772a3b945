// How the mesh benchmark's sessions add up, per strategy over the seeds every strategy finished: median and IQR of
// the trials until found (not found counts as budget + 1), the found count, the trials by seed, and BO / random
// against the goal. mesh.bench.ts prints it as it ends; mesh-rescore.ts prints it again for another threshold.
import type { OptimiserName } from '../src/optimisers/registry.js';
import { verdict } from './goal.js';
import { quantile, showTrials } from './summary.js';

export interface SessionFound {
  seed: number;
  optimizer: OptimiserName;
  /** The trial (from 1) that first reached the threshold; null when none did within the budget. */
  found: number | null;
}

/** The trial (from 1) whose severity first reached the threshold, or null. */
export function firstReaching(severities: readonly number[], threshold: number): number | null {
  const index = severities.findIndex((s) => s >= threshold);
  return index < 0 ? null : index + 1;
}

/** Seeds every strategy finished, in order (a failed or capped run leaves some partial). */
export function completeSeeds(results: readonly SessionFound[], optimizers: readonly OptimiserName[]): number[] {
  return [...new Set(results.map((r) => r.seed))]
    .filter((seed) => optimizers.every((o) => results.some((r) => r.seed === seed && r.optimizer === o)))
    .sort((a, b) => a - b);
}

export function summaryLines(results: readonly SessionFound[], optimizers: readonly OptimiserName[], budget: number): string[] {
  const show = (trials: number): string => showTrials(trials, budget);
  const seeds = completeSeeds(results, optimizers);
  const lines: string[] = [];
  const medians = new Map<OptimiserName, number>();
  for (const optimizer of optimizers) {
    const list = seeds.map((seed) => results.find((r) => r.seed === seed && r.optimizer === optimizer)?.found ?? budget + 1);
    const sorted = [...list].sort((a, b) => a - b);
    medians.set(optimizer, quantile(sorted, 0.5));
    lines.push(
      `${optimizer.padEnd(7)} median ${show(quantile(sorted, 0.5))}  IQR ${show(quantile(sorted, 0.25))}-${show(quantile(sorted, 0.75))}  found ${sorted.filter((c) => c <= budget).length}/${seeds.length}  trials by seed: ${list.map(show).join(' ')}`,
    );
  }
  const random = medians.get('random');
  const bo = medians.get('bo');
  if (random !== undefined && bo !== undefined && seeds.length > 0) {
    if (bo > budget) lines.push(`bo / random median trials: unmeasured (bo's median is past the budget of ${budget})`);
    else {
      // Random's median past the budget stands for budget + 1: the true ratio is at most the one printed.
      const bound = random > budget ? 'at most ' : '';
      lines.push(`bo / random median trials: ${bound}${(bo / random).toFixed(2)} ${verdict(bo / random)}`);
    }
  }
  return lines;
}
