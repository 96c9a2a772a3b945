// Scale (issue 16): a request's cost does not grow with the rule count, because it visits only the rules its
// path (or its x-tenant value) can match (docs/adr/0024). Timing bounds are generous: the goal is a median
// of 1 µs at 5,000 rules; a walk over every rule costs tens of µs there.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MinimalHost } from '../bench/minimal-host.js';
import { mixedRuleSet } from './mixed-rules.js';
import { pluginWasmPath } from './paths.js';

/** Median ns of on_request_headers for a request no rule matches, over 15 batches of 5,000. */
async function noMatchMedian(n: number): Promise<number> {
  const host = new MinimalHost();
  await host.load(pluginWasmPath);
  host.configure(JSON.stringify({ control_plane_cluster: 'hfi-control-plane' }), mixedRuleSet(n, 1));
  host.call('proxy_on_context_create', 2, 1);
  host.setRequest([
    [':method', 'GET'],
    [':path', '/nomatch/path?q=1'],
    ['x-tenant', 'nobody'],
  ]);
  const samples: number[] = [];
  for (let b = 0; b < 16; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 5_000; i++) host.call('proxy_on_request_headers', 2, 3, 1);
    if (b > 0) samples.push(Number(process.hrtime.bigint() - t0) / 5_000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

test('on_request_headers at 5,000 rules: a request no rule matches costs a median under 10 µs, and not much more than at 100 rules', async () => {
  const at100 = await noMatchMedian(100);
  const at5000 = await noMatchMedian(5000);
  assert.ok(at5000 < 10_000, `median at 5,000 rules: ${at5000.toFixed(0)} ns`);
  assert.ok(at5000 < 4 * at100 + 1_000, `median at 5,000 rules ${at5000.toFixed(0)} ns, at 100 rules ${at100.toFixed(0)} ns`);
});
