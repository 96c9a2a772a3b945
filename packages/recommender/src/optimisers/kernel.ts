// The covariance of the Gaussian process over mixed spaces: Matérn 5/2 on the numeric dimensions times an
// exponentiated overlap kernel on the categorical ones (each categorical dimension scores the fraction of its
// features two points share). Both factors are positive definite, so their product is.
import type { EncodedPoint } from './features.js';

export interface KernelParams {
  /** One per numeric dimension, in unit-cube coordinates. */
  lengthscales: readonly number[];
  /** How quickly similarity falls with categorical mismatch: exp(-mismatch / categoricalScale). */
  categoricalScale: number;
}

const SQRT5 = Math.sqrt(5);

function matern52(r: number): number {
  const s = SQRT5 * r;
  return (1 + s + (s * s) / 3) * Math.exp(-s);
}

/** Fraction of features that differ, summed over the categorical dimensions. */
function categoricalMismatch(a: EncodedPoint, b: EncodedPoint): number {
  let mismatch = 0;
  for (let d = 0; d < a.categories.length; d++) {
    const fa = a.categories[d]!;
    const fb = b.categories[d]!;
    let same = 0;
    for (let i = 0; i < fa.length; i++) if (fa[i] === fb[i]) same++;
    mismatch += 1 - same / Math.max(fa.length, fb.length);
  }
  return mismatch;
}

export function mixedKernel(a: EncodedPoint, b: EncodedPoint, params: KernelParams): number {
  let r2 = 0;
  for (let i = 0; i < a.units.length; i++) {
    const d = (a.units[i]! - b.units[i]!) / params.lengthscales[i]!;
    r2 += d * d;
  }
  return matern52(Math.sqrt(r2)) * Math.exp(-categoricalMismatch(a, b) / params.categoricalScale);
}
