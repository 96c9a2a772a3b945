// Drawing candidates: uniformly over the space, and near a given candidate (for local search of the acquisition).
import { type Candidate, candidateKey, type Dimension, fromUnit, isActive, toUnit } from '../encoding/dimensions.js';
import { canonicalCandidate } from '../encoding/space-encoding.js';
import type { Random } from '../random.js';

/** Step of a local move on a numeric dimension, in unit-cube coordinates. */
const LOCAL_STEP = 0.15;

function drawValue(dimension: Dimension, random: Random): string | number {
  if (dimension.kind === 'categorical') return dimension.choices[random.int(0, dimension.choices.length - 1)]!.label;
  return fromUnit(dimension, random.next());
}

/** Uniform over every categorical choice and over each numeric range (log ranges: log-uniform). */
export function randomCandidate(dimensions: readonly Dimension[], random: Random): Candidate {
  const values: Record<string, string | number> = {};
  // Dimensions are ordered so that the one a dimension depends on comes first.
  for (const dimension of dimensions) {
    if (isActive(dimension, values)) values[dimension.name] = drawValue(dimension, random);
  }
  return canonicalCandidate(dimensions, values);
}

/** The candidate with one active dimension moved: another choice, or a small step; newly active dimensions are drawn. */
export function neighbour(dimensions: readonly Dimension[], candidate: Candidate, random: Random): Candidate {
  const active = dimensions.filter((d) => isActive(d, candidate) && (d.kind === 'numeric' || d.choices.length > 1));
  if (active.length === 0) return candidate;
  const moved = active[random.int(0, active.length - 1)]!;
  const values: Record<string, string | number> = { ...candidate };
  if (moved.kind === 'categorical') {
    const others = moved.choices.filter((c) => c.label !== candidate[moved.name]);
    values[moved.name] = others[random.int(0, others.length - 1)]!.label;
  } else {
    const u = toUnit(moved, Number(candidate[moved.name])) + LOCAL_STEP * random.gaussian();
    values[moved.name] = fromUnit(moved, u);
  }
  for (const dimension of dimensions) {
    if (isActive(dimension, values) && values[dimension.name] === undefined) values[dimension.name] = drawValue(dimension, random);
  }
  return canonicalCandidate(dimensions, values);
}

/** A uniform draw not yet in `seen`; after `tries` draws, the last one even if seen (tiny spaces). */
export function freshRandomCandidate(dimensions: readonly Dimension[], seen: ReadonlySet<string>, random: Random, tries = 200): Candidate {
  let candidate = randomCandidate(dimensions, random);
  for (let i = 1; i < tries && seen.has(candidateKey(dimensions, candidate)); i++) candidate = randomCandidate(dimensions, random);
  return candidate;
}
