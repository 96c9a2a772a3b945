// The search strategies: reproducible, within the space, and (BO) finding the weak spot within the budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateKey } from '../src/encoding/dimensions.js';
import { encodeSpace } from '../src/encoding/space-encoding.js';
import { gridSearch } from '../src/optimisers/grid-search.js';
import type { Observation } from '../src/optimisers/optimiser.js';
import { createOptimiser, OPTIMISER_NAMES } from '../src/optimisers/registry.js';
import { simulatedSeverity, trialsUntilFound } from '../src/simulate/search-benchmark.js';
import { meshSpace } from './support/spaces.js';

const { space, document } = meshSpace();
const { dimensions } = encodeSpace(space);
const worstCandidate = { target: 'demo/catalog * /catalog*', kind: 'delay', delay_ms: 3000, percentage: 100 };

test('every strategy suggests the same candidate for the same history and seed', () => {
  const history: Observation[] = [
    { candidate: { target: 'demo/cart * /cart*', kind: 'abort', http_status: '503', percentage: 40 }, severity: 1.2 },
    { candidate: { target: 'demo/catalog GET /catalog*', kind: 'delay', delay_ms: 50, percentage: 90 }, severity: 0 },
    { candidate: { target: 'demo/cart POST /cart*', kind: 'delay', delay_ms: 900, percentage: 70 }, severity: 4.1 },
    { candidate: { target: 'demo/catalog * =/catalog/items', kind: 'abort', http_status: '500', percentage: 100 }, severity: 6 },
    { candidate: { target: 'demo/cart * =/cart/checkout', kind: 'delay', delay_ms: 20, percentage: 10 }, severity: 0 },
    { candidate: { target: 'demo/catalog POST /catalog*', kind: 'abort', http_status: '404', percentage: 60 }, severity: 0 },
  ];
  for (const name of OPTIMISER_NAMES) {
    const a = createOptimiser(name, dimensions, 11, 30).suggest(history);
    const b = createOptimiser(name, dimensions, 11, 30).suggest(history);
    assert.deepEqual(a, b, name);
    const other = createOptimiser(name, dimensions, 12, 30).suggest([]);
    assert.ok(other, `${name} suggests a first candidate`);
  }
});

test('bo does not repeat a candidate it has already tried', () => {
  const optimiser = createOptimiser('bo', dimensions, 5, 30);
  const history: Observation[] = [];
  for (let i = 0; i < 12; i++) history.push({ candidate: optimiser.suggest(history)!, severity: (i * 7) % 5 });
  assert.equal(new Set(history.map((o) => candidateKey(dimensions, o.candidate))).size, history.length);
});

test('grid search fits its grid into the budget and tries each point once, then stops', () => {
  const optimiser = gridSearch(dimensions, 1, 200);
  const seen: string[] = [];
  const history: Observation[] = [];
  for (;;) {
    const candidate = optimiser.suggest(history);
    if (!candidate) break;
    seen.push(candidateKey(dimensions, candidate));
    history.push({ candidate, severity: 0 });
  }
  // 15 routes x (2 delay levels + 3 statuses) x 2 percentage levels = 150 <= 200 < 15 x (3 + 3) x 3.
  assert.equal(seen.length, 150);
  assert.equal(new Set(seen).size, 150);
});

test('bo finds a point within 90% of the worst severity within 40 trials on at least 4 of 5 seeds', async () => {
  const threshold = 0.9 * (await simulatedSeverity(space, worstCandidate, 0));
  const results = [];
  for (let seed = 1; seed <= 5; seed++)
    results.push(await trialsUntilFound(space, document, { optimizer: 'bo', seed, budget: 40, threshold }));
  assert.ok(results.filter((r) => r !== undefined).length >= 4, `trials until found per seed: ${results.join(', ')}`);
});
