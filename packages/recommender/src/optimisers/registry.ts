// The search strategies by the name `--optimizer` takes.
import type { Dimension } from '../encoding/dimensions.js';
import { bayesianOptimisation } from './bayesian.js';
import { gridSearch } from './grid-search.js';
import type { Optimiser } from './optimiser.js';
import { randomSearch } from './random-search.js';
import { treeParzenEstimator } from './tpe.js';

const OPTIMISERS = {
  bo: (dimensions, seed) => bayesianOptimisation(dimensions, seed),
  tpe: treeParzenEstimator,
  random: randomSearch,
  grid: gridSearch,
} as const satisfies Record<string, (dimensions: readonly Dimension[], seed: number, budget: number) => Optimiser>;

export type OptimiserName = keyof typeof OPTIMISERS;
export const OPTIMISER_NAMES = Object.keys(OPTIMISERS) as OptimiserName[];

export function isOptimiserName(name: string): name is OptimiserName {
  return Object.hasOwn(OPTIMISERS, name);
}

export function createOptimiser(name: OptimiserName, dimensions: readonly Dimension[], seed: number, budget: number): Optimiser {
  return OPTIMISERS[name](dimensions, seed, budget);
}
