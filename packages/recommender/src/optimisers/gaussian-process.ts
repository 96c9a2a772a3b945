// A Gaussian-process regressor on standardised observations: exact inference by Cholesky (ml-matrix),
// hyperparameters chosen by the marginal likelihood over a small grid and one coordinate pass.
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { EncodedPoint } from './features.js';
import { type KernelParams, mixedKernel } from './kernel.js';

export interface GpParams {
  kernel: KernelParams;
  /** Observation noise variance, relative to the (unit) signal variance of the standardised data. */
  noise: number;
}

interface Posterior {
  mean: number;
  std: number;
}

export interface GaussianProcess {
  readonly params: GpParams;
  readonly logMarginalLikelihood: number;
  /** Posterior of the latent function at each point, in standardised units. */
  predict(points: readonly EncodedPoint[]): Posterior[];
}

const LENGTHSCALES = [0.08, 0.15, 0.3, 0.6, 1.2];
const CATEGORICAL_SCALES = [0.3, 0.7, 1.5, 3];
const NOISES = [1e-4, 0.01, 0.1];
const COORDINATE_FACTORS = [0.4, 2.5];
const JITTER = 1e-8;

/** Fits exactly these hyperparameters; undefined when the kernel matrix is not numerically positive definite. */
export function fitGaussianProcess(points: readonly EncodedPoint[], y: readonly number[], params: GpParams): GaussianProcess | undefined {
  const n = points.length;
  const k = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = mixedKernel(points[i]!, points[j]!, params.kernel);
      k.set(i, j, value);
      k.set(j, i, value);
    }
    k.set(i, i, k.get(i, i) + params.noise + JITTER);
  }
  const cholesky = new CholeskyDecomposition(k);
  if (!cholesky.isPositiveDefinite()) return undefined;
  const alpha = cholesky.solve(Matrix.columnVector([...y]));
  const lower = cholesky.lowerTriangularMatrix;
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(lower.get(i, i));
  let fit = 0;
  for (let i = 0; i < n; i++) fit += y[i]! * alpha.get(i, 0);
  const logMarginalLikelihood = -0.5 * fit - logDet - 0.5 * n * Math.log(2 * Math.PI);
  return {
    params,
    logMarginalLikelihood,
    predict(queries) {
      if (queries.length === 0) return [];
      const cross = new Matrix(n, queries.length);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < queries.length; j++) cross.set(i, j, mixedKernel(points[i]!, queries[j]!, params.kernel));
      }
      const solved = cholesky.solve(cross);
      return queries.map((_, j) => {
        let mean = 0;
        let explained = 0;
        for (let i = 0; i < n; i++) {
          mean += cross.get(i, j) * alpha.get(i, 0);
          explained += cross.get(i, j) * solved.get(i, j);
        }
        // k(x, x) = 1 for this kernel; rounding can push the difference slightly below 0.
        return { mean, std: Math.sqrt(Math.max(0, 1 - explained)) };
      });
    },
  };
}

/** The hyperparameters with the highest marginal likelihood: a grid (shared lengthscale), then each numeric dimension alone. */
export function fitWithHyperparameterSearch(points: readonly EncodedPoint[], y: readonly number[]): GaussianProcess {
  const numeric = points[0]?.units.length ?? 0;
  let best: GaussianProcess | undefined;
  const consider = (params: GpParams): void => {
    const model = fitGaussianProcess(points, y, params);
    if (model && (!best || model.logMarginalLikelihood > best.logMarginalLikelihood)) best = model;
  };
  for (const lengthscale of LENGTHSCALES) {
    for (const categoricalScale of CATEGORICAL_SCALES) {
      for (const noise of NOISES) consider({ kernel: { lengthscales: Array(numeric).fill(lengthscale), categoricalScale }, noise });
    }
  }
  for (let d = 0; d < numeric && best; d++) {
    const start: GpParams = best.params;
    for (const factor of COORDINATE_FACTORS) {
      const lengthscales = start.kernel.lengthscales.map((l, i) => (i === d ? l * factor : l));
      consider({ ...start, kernel: { ...start.kernel, lengthscales } });
    }
  }
  if (!best) {
    // Only reachable with duplicate points and no noise: a noisier model always factorises.
    const fallback = fitGaussianProcess(points, y, { kernel: { lengthscales: Array(numeric).fill(0.3), categoricalScale: 1 }, noise: 1 });
    if (!fallback) throw new Error('internal error: the Gaussian process could not be fitted');
    return fallback;
  }
  return best;
}

/** Mean 0 and standard deviation 1 (1 when all values are equal), as the unit-variance kernel assumes. */
export function standardise(values: readonly number[]): { y: number[]; mean: number; scale: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length);
  const scale = variance > 1e-12 ? Math.sqrt(variance) : 1;
  return { y: values.map((v) => (v - mean) / scale), mean, scale };
}
