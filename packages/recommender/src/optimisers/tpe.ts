// Tree-structured Parzen estimator (univariate, as in hyperopt): densities of the good and the other trials per
// dimension, and the candidate drawn from the good density that maximises l(x) / g(x).
import { type Candidate, candidateKey, type Dimension, fromUnit, isActive, type NumericDimension, toUnit } from '../encoding/dimensions.js';
import { canonicalCandidate } from '../encoding/space-encoding.js';
import { type Random, streamRandom } from '../random.js';
import { initialRandomTrials } from './bayesian.js';
import type { Optimiser } from './optimiser.js';
import { freshRandomCandidate } from './sampling.js';

const GOOD_FRACTION = 0.25;
const MAX_GOOD = 25;
const SAMPLES = 64;
const MIN_BANDWIDTH = 0.05;
const MAX_BANDWIDTH = 0.5;
/** The prior: one wide component around the middle of the range, weight 1 (hyperopt's "prior weight"). */
const PRIOR_CENTRE = 0.5;
const PRIOR_WIDTH = 1;

interface Mixture {
  centres: number[];
  widths: number[];
}

export function treeParzenEstimator(dimensions: readonly Dimension[], seed: number): Optimiser {
  const initialTrials = initialRandomTrials(dimensions);
  return {
    name: 'tpe',
    suggest(history) {
      const random = streamRandom(seed, 'tpe', history.length);
      const seen = new Set(history.map((o) => candidateKey(dimensions, o.candidate)));
      if (history.length < initialTrials) return freshRandomCandidate(dimensions, seen, random);
      const sorted = [...history].sort((a, b) => b.severity - a.severity);
      const goodCount = Math.min(MAX_GOOD, Math.max(1, Math.ceil(GOOD_FRACTION * history.length)));
      const good = sorted.slice(0, goodCount).map((o) => o.candidate);
      const rest = sorted.slice(goodCount).map((o) => o.candidate);
      let best: { candidate: Candidate; score: number } | undefined;
      for (let s = 0; s < SAMPLES; s++) {
        const candidate = sampleFrom(dimensions, good, random);
        if (seen.has(candidateKey(dimensions, candidate))) continue;
        const score = logDensity(dimensions, good, candidate) - logDensity(dimensions, rest, candidate);
        if (!best || score > best.score) best = { candidate, score };
      }
      return best?.candidate ?? freshRandomCandidate(dimensions, seen, random);
    },
  };
}

function activeValues(dimension: Dimension, group: readonly Candidate[]): (string | number)[] {
  return group.filter((c) => c[dimension.name] !== undefined).map((c) => c[dimension.name]!);
}

function mixture(dimension: NumericDimension, values: readonly (string | number)[]): Mixture {
  const units = values.map((v) => toUnit(dimension, Number(v)));
  const mean = units.reduce((a, b) => a + b, 0) / Math.max(1, units.length);
  const std = Math.sqrt(units.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, units.length));
  // Scott's rule, bounded so that one point neither collapses the density nor spreads it flat.
  const width = Math.min(MAX_BANDWIDTH, Math.max(MIN_BANDWIDTH, 1.06 * (std || MAX_BANDWIDTH) * units.length ** -0.2));
  return { centres: [...units, PRIOR_CENTRE], widths: [...units.map(() => width), PRIOR_WIDTH] };
}

/** Categorical weights: counts plus one per choice, so that no choice ever has zero probability. */
function categoricalWeights(dimension: Extract<Dimension, { kind: 'categorical' }>, values: readonly (string | number)[]): number[] {
  return dimension.choices.map((c) => 1 + values.filter((v) => v === c.label).length);
}

function sampleFrom(dimensions: readonly Dimension[], good: readonly Candidate[], random: Random): Candidate {
  const values: Record<string, string | number> = {};
  for (const dimension of dimensions) {
    if (!isActive(dimension, values)) continue;
    const observed = activeValues(dimension, good);
    if (dimension.kind === 'categorical') {
      values[dimension.name] = dimension.choices[pickWeighted(categoricalWeights(dimension, observed), random)]!.label;
    } else {
      const m = mixture(dimension, observed);
      const component = random.int(0, m.centres.length - 1);
      values[dimension.name] = fromUnit(dimension, m.centres[component]! + m.widths[component]! * random.gaussian());
    }
  }
  return canonicalCandidate(dimensions, values);
}

function logDensity(dimensions: readonly Dimension[], group: readonly Candidate[], candidate: Candidate): number {
  let total = 0;
  for (const dimension of dimensions) {
    const value = candidate[dimension.name];
    if (value === undefined) continue;
    const observed = activeValues(dimension, group);
    if (dimension.kind === 'categorical') {
      const weights = categoricalWeights(dimension, observed);
      const index = dimension.choices.findIndex((c) => c.label === value);
      total += Math.log(weights[index]! / weights.reduce((a, b) => a + b, 0));
    } else {
      const m = mixture(dimension, observed);
      const u = toUnit(dimension, Number(value));
      let density = 0;
      for (let i = 0; i < m.centres.length; i++) {
        const z = (u - m.centres[i]!) / m.widths[i]!;
        density += Math.exp(-0.5 * z * z) / m.widths[i]!;
      }
      total += Math.log(density / m.centres.length + 1e-300);
    }
  }
  return total;
}

function pickWeighted(weights: readonly number[], random: Random): number {
  let r = random.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
