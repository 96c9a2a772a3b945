// Grid search with the same budget: the finest regular grid (same number of levels on every numeric dimension)
// that fits in the budget, tried in a seeded random order so that a budget cut does not favour one corner.
// A budget raised on resume sizes a finer grid; points already tried are skipped, not repeated.
import { type Candidate, candidateKey, type Dimension, fromUnit, isActive } from '../encoding/dimensions.js';
import { canonicalCandidate } from '../encoding/space-encoding.js';
import { shuffle, streamRandom } from '../random.js';
import type { Observation, Optimiser } from './optimiser.js';

const MAX_LEVELS = 64;

export function gridSearch(dimensions: readonly Dimension[], seed: number, budget: number): Optimiser {
  let levels = 1;
  while (levels < MAX_LEVELS && gridPoints(dimensions, levels + 1, budget + 1).length <= budget) levels++;
  const order = shuffle(gridPoints(dimensions, levels, Number.POSITIVE_INFINITY), streamRandom(seed, 'grid', 0));
  return {
    name: 'grid',
    suggest(history: readonly Observation[]) {
      const seen = new Set(history.map((o) => candidateKey(dimensions, o.candidate)));
      return order.find((candidate) => !seen.has(candidateKey(dimensions, candidate)));
    },
  };
}

/** Every grid point (at most `cap`, to stop early when sizing): numeric levels at u = i/(levels-1), or the middle for one level. */
export function gridPoints(dimensions: readonly Dimension[], levels: number, cap: number): Candidate[] {
  let partial: Record<string, string | number>[] = [{}];
  for (const dimension of dimensions) {
    const next: Record<string, string | number>[] = [];
    for (const values of partial) {
      if (!isActive(dimension, values)) {
        next.push(values);
        continue;
      }
      const options =
        dimension.kind === 'categorical'
          ? dimension.choices.map((c) => c.label)
          : [...new Set(Array.from({ length: levels }, (_, i) => fromUnit(dimension, levels === 1 ? 0.5 : i / (levels - 1))))];
      for (const option of options) next.push({ ...values, [dimension.name]: option });
      if (next.length > cap) return next.map((v) => canonicalCandidate(dimensions, v));
    }
    partial = next;
  }
  return partial.map((v) => canonicalCandidate(dimensions, v));
}
