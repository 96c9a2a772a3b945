// The memory budget a sidecar relies on: 1,000 mixed rules (525 KB of wire JSON in the rule form, 200 KB in the
// compact form) fit in 512 KiB of linear memory and 5,000 in 2 MiB, in either form (an older control plane sends
// the rule form), also through updates (a checking pass lets the old set go before the new one loads, so the two
// are never held together: docs/adr/0123; a set of at most 16 KiB replacing one as small is read once). Linear
// memory never shrinks, so the peak is what a pod pays for as long as it runs.

import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { WireForm } from '@hfi/policy';
import { MinimalHost } from '../bench/minimal-host.js';
import { mixedRuleSet } from './mixed-rules.js';
import { pluginWasmPath } from './paths.js';

const KIB = 1024;
const MIB = 1024 * KIB;
/** Loads `n` mixed rules, then five updates to other sets of `n`; returns the host and memory after each load. */
async function loadAndUpdate(n: number, form: WireForm): Promise<{ host: MinimalHost; sizes: number[] }> {
  const host = new MinimalHost();
  await host.load(pluginWasmPath);
  const first = mixedRuleSet(n, 1, form);
  assert.ok(first.length > n * (form === 'compact' ? 150 : 500), `rule set of ${first.length} bytes`);
  host.configure(JSON.stringify({ control_plane_cluster: 'hfi-control-plane' }), first);
  const sizes = [host.exports.memory.buffer.byteLength];
  for (let v = 2; v <= 6; v++) {
    host.update(mixedRuleSet(n, v, form));
    sizes.push(host.exports.memory.buffer.byteLength);
  }
  return { host, sizes };
}

/** Whether a request for `path` is stopped (aborted) by the set the host holds. */
function aborted(host: MinimalHost, id: number, path: string): boolean {
  host.call('proxy_on_context_create', id, 1);
  host.setRequest([
    [':method', 'GET'],
    [':path', path],
  ]);
  return host.call('proxy_on_request_headers', id, 2, 1) === 1;
}

/** `n` rules stay within `budget` bytes through a load and five updates, and the last update is the set in force. */
async function withinThroughUpdates(n: number, budget: number, form: WireForm, t: TestContext): Promise<MinimalHost> {
  const { host, sizes } = await loadAndUpdate(n, form);
  t.diagnostic(`${form} form, ${n} rules: linear memory after each load ${sizes.join(', ')} of ${budget}`);
  assert.ok(
    sizes.every((s) => s <= budget),
    `linear memory after each load: ${sizes.join(', ')}`,
  );
  // Every update was taken (so each load counted): the last set's rule aborts, the first set's no longer does.
  assert.ok(aborted(host, 2, `/v6svc${n - 4}/x`), 'a request the last set matches is stopped (aborted)');
  assert.ok(!aborted(host, 3, `/v1svc${n - 4}/x`), 'a request only the first set matched continues');
  return host;
}

for (const form of ['compact', 'rules'] as const) {
  test(`1,000 mixed rules (the ${form} form) fit in 512 KiB of linear memory, also through five updates and a refused one, and still apply`, async (t) => {
    const host = await withinThroughUpdates(1000, 512 * KIB, form, t);
    // A set refused halfway through its rules (checked before the held set is let go) keeps the last good one.
    const broken = mixedRuleSet(1000, 7, form).replace('"/exact/501"', '17');
    host.update(broken);
    assert.ok(aborted(host, 4, '/v6svc996/x'), 'the last good set still applies after a refused one');
    assert.ok(!aborted(host, 5, '/v7svc996/x'), 'nothing of the refused set applies');
    assert.ok(host.exports.memory.buffer.byteLength <= 512 * KIB, `after the refused set: ${host.exports.memory.buffer.byteLength}`);
  });

  test(`5,000 mixed rules (the ${form} form) fit in 2 MiB of linear memory, also through five updates, and still apply`, async (t) => {
    await withinThroughUpdates(5000, 2 * MIB, form, t);
  });
}

test('a small set replacing a small one is read once, and twice when either is large (1,000 rules); each still applies', async () => {
  const host = new MinimalHost();
  await host.load(pluginWasmPath);
  host.configure(JSON.stringify({ control_plane_cluster: 'hfi-control-plane' }), mixedRuleSet(12, 1));
  const readsOf = (json: string): number => {
    const before = host.bodyReads;
    host.update(json);
    return host.bodyReads - before;
  };
  assert.ok(mixedRuleSet(12, 2).length < 8 * KIB, 'a 12-rule set is a few KB');
  assert.equal(readsOf(mixedRuleSet(12, 2)), 1, 'small after small: read once');
  assert.ok(aborted(host, 2, '/v2svc8/x'), 'the set read once applies');
  assert.equal(readsOf(mixedRuleSet(1000, 4)), 2, 'large after small: a checking pass, then the load');
  assert.equal(readsOf(mixedRuleSet(12, 5)), 2, 'small after large: the large set is let go before the small one loads');
  assert.equal(readsOf(mixedRuleSet(12, 6)), 1, 'small after small again: read once');
  assert.ok(aborted(host, 4, '/v6svc8/x'), 'the last set applies');
  assert.ok(!aborted(host, 5, '/v4svc996/x'), 'nothing of the large set is left');
  // Last: a refused answer puts the next poll off by the retry interval.
  assert.equal(readsOf(mixedRuleSet(12, 7).replace('"/exact/5"', '17')), 1, 'a refused small set: read once');
  assert.ok(aborted(host, 3, '/v6svc8/x'), 'the last good set still applies after a refused one');
  assert.ok(!aborted(host, 6, '/v7svc8/x'), 'nothing of the refused set applies');
});
