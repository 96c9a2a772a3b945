// The simulated mesh behaves as its services are configured: which faults are absorbed and which cascade.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeSpace } from '../src/encoding/space-encoding.js';
import { gridPoints } from '../src/optimisers/grid-search.js';
import { simulatedSeverity } from '../src/simulate/search-benchmark.js';
import { meshSpace } from './support/spaces.js';

const { space } = meshSpace();
const severity = (candidate: Record<string, string | number>) => simulatedSeverity(space, candidate, 3);
const catalogDelay = (delay_ms: number, percentage = 100) => ({ target: 'demo/catalog * /catalog*', kind: 'delay', delay_ms, percentage });

test('a catalog delay under the 300 ms timeout is absorbed; past it, frontend times out on both attempts', async () => {
  assert.equal(await severity(catalogDelay(100)), 0);
  assert.ok((await severity(catalogDelay(2000))) > 7.5);
});

test('the retry absorbs part of an abort: at 50% on cart, about a quarter of the entry requests fail', async () => {
  const half = await severity({ target: 'demo/cart * /cart*', kind: 'abort', http_status: '503', percentage: 50 });
  // errorRate weight 0.6, full marks at 50% errors: 25% errors score 0.5 of it, so 3 out of 10.
  assert.ok(half > 2.4 && half < 3.6, String(half));
});

test('a 404 from catalog is not retried and is not a 5xx: the objective counting 5xx sees nothing', async () => {
  assert.equal(await severity({ target: 'demo/catalog * /catalog*', kind: 'abort', http_status: '404', percentage: 100 }), 0);
});

test('faults on a path the traffic never takes do nothing', async () => {
  assert.equal(await severity({ target: 'demo/catalog * /catalog/admin*', kind: 'abort', http_status: '500', percentage: 100 }), 0);
});

test('the known worst point is the worst: no grid point scores notably above it', async () => {
  const worst = await severity(catalogDelay(3000));
  let highest = 0;
  for (const candidate of gridPoints(encodeSpace(space).dimensions, 3, Number.POSITIVE_INFINITY)) {
    highest = Math.max(highest, await severity(candidate));
  }
  assert.ok(highest <= worst + 0.05, `grid found ${highest}, the known worst is ${worst}`);
});
