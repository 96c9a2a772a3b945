// The memory budget a sidecar relies on: 1,000 mixed rules (535 KB of wire JSON) fit in 1 MiB of
// linear memory, also through updates (the old set is held while the new one loads). Linear memory
// never shrinks, so the peak is what a pod pays for as long as it runs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRuleSet, type Rule, type StoredPolicy } from '@hfi/policy';
import { MinimalHost } from '../bench/minimal-host.js';
import { pluginWasmPath } from './paths.js';

const MIB = 1024 * 1024;
const UPDATED = '2025-11-21T00:00:00Z';

function mixedRuleSet(n: number, version: number): string {
  const fault = { percentage: 100, abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 };
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) rules.push({ match: { path: { prefix: `/v${version}svc${i}/` } }, fault });
    else if (kind === 1) rules.push({ match: { path: { exact: `/exact/${i}` }, method: { exact: 'POST' } }, fault });
    else if (kind === 2) rules.push({ match: { path: { regex: `/r${i}/v[0-9]+/.*` } }, fault });
    else rules.push({ match: { path: { prefix: '/' }, headers: [{ name: 'x-tenant', exact: `t${i}` }] }, fault });
  }
  const policies: StoredPolicy[] = [];
  for (let i = 0; i < n; i += 100) {
    policies.push({
      apiVersion: 'v1',
      kind: 'FaultInjectionPolicy',
      metadata: { name: `p${String(i).padStart(5, '0')}`, version: '1', createdAt: UPDATED, updatedAt: UPDATED },
      spec: { selector: { service: '*', namespace: '*' }, priority: 0, rules: rules.slice(i, i + 100) },
    });
  }
  return JSON.stringify(compileRuleSet(policies, { epoch: 'mem', version }));
}

test('1,000 mixed rules fit in 1 MiB of linear memory, also through five updates, and still apply', async () => {
  const host = new MinimalHost();
  await host.load(pluginWasmPath);
  const first = mixedRuleSet(1000, 1);
  assert.ok(first.length > 500_000, `rule set of ${first.length} bytes`);
  host.configure(JSON.stringify({ control_plane_cluster: 'hfi-control-plane' }), first);
  const sizes = [host.exports.memory.buffer.byteLength];
  for (let v = 2; v <= 6; v++) {
    host.update(mixedRuleSet(1000, v));
    sizes.push(host.exports.memory.buffer.byteLength);
  }
  assert.ok(
    sizes.every((s) => s <= MIB),
    `linear memory after each load: ${sizes.join(', ')}`,
  );
  // Every update was taken (so each load counted): the last set's rule aborts, the first set's no longer does.
  host.call('proxy_on_context_create', 2, 1);
  host.setRequest([
    [':method', 'GET'],
    [':path', '/v6svc996/x'],
  ]);
  assert.equal(host.call('proxy_on_request_headers', 2, 2, 1), 1, 'a request the last set matches is stopped (aborted)');
  host.call('proxy_on_context_create', 3, 1);
  host.setRequest([
    [':method', 'GET'],
    [':path', '/v1svc996/x'],
  ]);
  assert.equal(host.call('proxy_on_request_headers', 3, 2, 1), 0, 'a request only the first set matched continues');
});
