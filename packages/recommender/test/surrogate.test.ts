// The Gaussian process and expected improvement, on small exact cases and on the simulated objective.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedImprovement, normalCdf } from '../src/optimisers/expected-improvement.js';
import type { EncodedPoint } from '../src/optimisers/features.js';
import { fitGaussianProcess, fitWithHyperparameterSearch, standardise } from '../src/optimisers/gaussian-process.js';
import { mixedKernel } from '../src/optimisers/kernel.js';

const point = (u: number, category = 'a'): EncodedPoint => ({ units: [u], categories: [[category]] });
const xs = [0.1, 0.3, 0.5, 0.7, 0.9].map((u) => point(u));
const ys = [-1, 0.5, 1.2, 0.2, -0.8];
const params = { kernel: { lengthscales: [0.3], categoricalScale: 1 }, noise: 1e-6 };

test('the posterior interpolates the training points with almost no variance when noise is tiny', () => {
  const gp = fitGaussianProcess(xs, ys, params);
  assert.ok(gp);
  for (const [i, p] of gp.predict(xs).entries()) {
    assert.ok(Math.abs(p.mean - ys[i]!) < 1e-3, `mean at training point ${i}: ${p.mean} vs ${ys[i]}`);
    assert.ok(p.std < 0.01, `std at training point ${i}: ${p.std}`);
  }
});

test('far from the data the posterior returns to the prior: mean 0, standard deviation 1', () => {
  const gp = fitGaussianProcess(xs, ys, params)!;
  const [far] = gp.predict([point(0.5, 'b')].map((p) => ({ ...p, units: [5] })));
  assert.ok(Math.abs(far!.mean) < 1e-3 && Math.abs(far!.std - 1) < 1e-3, JSON.stringify(far));
});

test('a categorical mismatch lowers the covariance, and the kernel is 1 at distance 0', () => {
  const k = params.kernel;
  assert.equal(mixedKernel(point(0.4), point(0.4), k), 1);
  assert.ok(mixedKernel(point(0.4, 'a'), point(0.4, 'b'), k) < mixedKernel(point(0.4), point(0.5), k));
  assert.ok(Math.abs(mixedKernel(point(0.4, 'a'), point(0.4, 'b'), k) - Math.exp(-1)) < 1e-12);
});

test('the hyperparameter search prefers a lengthscale that explains smooth data over one that does not', () => {
  const smooth = Array.from({ length: 12 }, (_, i) => point(i / 11));
  const { y } = standardise(smooth.map((p) => Math.sin(3 * p.units[0]!)));
  const gp = fitWithHyperparameterSearch(smooth, y);
  assert.ok(gp.params.kernel.lengthscales[0]! >= 0.3, JSON.stringify(gp.params));
  const rough = fitGaussianProcess(smooth, y, { kernel: { lengthscales: [0.08], categoricalScale: 1 }, noise: 1e-4 })!;
  assert.ok(gp.logMarginalLikelihood > rough.logMarginalLikelihood);
});

test('expected improvement is 0 at a known maximum with no variance, and grows with the variance', () => {
  assert.equal(expectedImprovement(2, 0, 2), 0);
  assert.equal(expectedImprovement(1, 0, 2), 0);
  assert.equal(expectedImprovement(3, 0, 2), 1);
  const narrow = expectedImprovement(1.5, 0.1, 2);
  const wide = expectedImprovement(1.5, 1, 2);
  assert.ok(narrow >= 0 && wide > narrow, `${narrow} < ${wide}`);
  // At mean = best, EI = std * phi(0).
  assert.ok(Math.abs(expectedImprovement(2, 0.5, 2) - 0.5 / Math.sqrt(2 * Math.PI)) < 1e-7);
});

test('the normal CDF matches known values', () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.1586553) < 1e-6);
});
