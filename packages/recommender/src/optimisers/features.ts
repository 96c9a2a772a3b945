// Candidates as the Gaussian process sees them: numeric dimensions in [0, 1], categorical ones as feature lists.
import { type Candidate, type Dimension, toUnit } from '../encoding/dimensions.js';

export interface EncodedPoint {
  units: number[];
  categories: (readonly string[])[];
}

/** What an inactive dimension encodes as: a constant, so that two aborts never differ in their (absent) delay. */
const INACTIVE_UNIT = 0.5;
const INACTIVE_FEATURES: readonly string[] = ['(n/a)'];

export function encodePoint(dimensions: readonly Dimension[], candidate: Candidate): EncodedPoint {
  const units: number[] = [];
  const categories: (readonly string[])[] = [];
  for (const dimension of dimensions) {
    const value = candidate[dimension.name];
    if (dimension.kind === 'numeric') {
      units.push(value === undefined ? INACTIVE_UNIT : toUnit(dimension, Number(value)));
    } else {
      const choice = dimension.choices.find((c) => c.label === value);
      categories.push(choice ? choice.features : INACTIVE_FEATURES);
    }
  }
  return { units, categories };
}
