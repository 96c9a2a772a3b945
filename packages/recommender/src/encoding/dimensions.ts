// The dimensions of a mixed search space and the candidates that are points in it.

/** A categorical value; `features` let the kernel see that two routes share a service even when they differ. */
interface Choice {
  label: string;
  features: readonly string[];
}

/** A dimension only matters when another categorical dimension has a given value (the delay when the kind is delay). */
interface ActiveWhen {
  dimension: string;
  equals: string;
}

interface CategoricalDimension {
  kind: 'categorical';
  name: string;
  choices: readonly Choice[];
  activeWhen?: ActiveWhen;
}

export interface NumericDimension {
  kind: 'numeric';
  name: string;
  min: number;
  max: number;
  scale: 'linear' | 'log';
  /** Rounded to whole numbers on decoding (milliseconds, percent). */
  integer: boolean;
  activeWhen?: ActiveWhen;
}

export type Dimension = CategoricalDimension | NumericDimension;

/** A point of the space: the values of its active dimensions, categorical ones by label. */
export type Candidate = Readonly<Record<string, string | number>>;

export function isActive(dimension: Dimension, values: Readonly<Record<string, string | number>>): boolean {
  return dimension.activeWhen === undefined || values[dimension.activeWhen.dimension] === dimension.activeWhen.equals;
}

/** Position in [0, 1] of a numeric value (log scale: of its logarithm). */
export function toUnit(dimension: NumericDimension, value: number): number {
  if (dimension.max === dimension.min) return 0.5;
  if (dimension.scale === 'log') {
    return (Math.log(value) - Math.log(dimension.min)) / (Math.log(dimension.max) - Math.log(dimension.min));
  }
  return (value - dimension.min) / (dimension.max - dimension.min);
}

/** The value at position u in [0, 1], rounded for integer dimensions and kept inside the range. */
export function fromUnit(dimension: NumericDimension, u: number): number {
  const clamped = Math.min(1, Math.max(0, u));
  const raw =
    dimension.scale === 'log'
      ? Math.exp(Math.log(dimension.min) + clamped * (Math.log(dimension.max) - Math.log(dimension.min)))
      : dimension.min + clamped * (dimension.max - dimension.min);
  const value = dimension.integer ? Math.round(raw) : raw;
  return Math.min(dimension.max, Math.max(dimension.min, value));
}

/** A stable text key of a candidate: equal candidates, equal keys (used to avoid re-running a trial). */
export function candidateKey(dimensions: readonly Dimension[], candidate: Candidate): string {
  return dimensions
    .filter((d) => candidate[d.name] !== undefined)
    .map((d) => `${d.name}=${String(candidate[d.name])}`)
    .join(';');
}
