// Data planes and control planes of different wire versions (docs/wire-format.md "Wire versions"): a plugin that
// meets a set it cannot read keeps its last good set and says why in its log; one that meets an older form reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactRuleSet, compileRuleSet, type StoredPolicy, serializeCompactRuleSet, serializeRuleSet } from '@hfi/policy';
import type { HttpCallResult, TestHost } from '@hfi/proxy-host';
import { advanceTo, send, startPlugin } from './harness.js';
import { wire3PluginWasmPath } from './paths.js';
import { T0 } from './rules.js';

const UPDATED = new Date(T0 - 60_000).toISOString();

function policy(name: string, path: { prefix: string } | { regex: string }): StoredPolicy {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name, version: '1', createdAt: UPDATED, updatedAt: UPDATED },
    spec: {
      selector: { service: '*', namespace: '*' },
      priority: 0,
      rules: [{ match: { path }, fault: { percentage: 100, abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 } }],
    },
  } as StoredPolicy;
}

const answer = (body: string): HttpCallResult => ({ status: 200, headers: [['content-type', 'application/json']], body });

/** Starts `wasm` against a control plane answering `answers` in turn (then holding), and lets each answer arrive. */
async function run(wasm: string | undefined, answers: HttpCallResult[], forMs = 10_000): Promise<TestHost> {
  const host = await startPlugin({
    wasm,
    startTimeMs: T0,
    controlPlane: (request) => (request.path === '/v1/dataplane/report' ? { status: 204 } : (answers.shift() ?? { hold: true })),
  });
  await advanceTo(host, host.now() + forMs, []);
  return host;
}

const status = (host: TestHost, path: string): string => {
  const o = send(host, { method: 'GET', path }).observe();
  return o.action === 'pass' ? 'pass' : String(o.abort?.status);
};

test('an old plugin (wire version 3) refuses a set with shared DFA tables, keeps its last good set, logs why, and takes the next plain set', async () => {
  const plain = compileRuleSet([policy('plain', { prefix: '/old' })], { epoch: 'e', version: 1 });
  const tabled = compileRuleSet([policy('plain', { prefix: '/old' }), policy('tabled', { regex: '/new/[0-9]+' })], {
    epoch: 'e',
    version: 2,
  });
  const plainAgain = compileRuleSet([policy('again', { prefix: '/again' })], { epoch: 'e', version: 3 });
  assert.equal(plain.wireVersion, 1);
  assert.equal(tabled.wireVersion, 4);
  const host = await run(wire3PluginWasmPath, [answer(serializeRuleSet(plain)), answer(serializeRuleSet(tabled))]);
  try {
    assert.equal(status(host, '/old'), '503', 'the last good set still applies');
    assert.equal(status(host, '/new/7'), 'pass', 'the refused set does not');
    const refused = host.logs.filter(
      (l) => l.level === 3 && l.message.includes('wireVersion: unknown version 4 (this plugin reads 1 to 3)'),
    );
    assert.equal(refused.length, 1, host.logs.map((l) => l.message).join('\n'));
    assert.equal(host.metric('wasmcustom_hfi_ruleset_updates_total'), 1);
  } finally {
    host.close();
  }
  const later = await run(wire3PluginWasmPath, [answer(serializeRuleSet(tabled)), answer(serializeRuleSet(plainAgain))]);
  try {
    assert.equal(status(later, '/again'), '503', 'a version-1 set is taken again');
  } finally {
    later.close();
  }
});

test('this plugin reads a set of the inline form an older control plane sends, and keeps its last good set when a table reference is wrong, naming the field', async () => {
  const tabled = compileRuleSet([policy('tabled', { regex: '/new/[0-9]+' })], { epoch: 'e', version: 1 });
  const regex = tabled.rules[0]!.path;
  assert.ok(regex?.kind === 'regex' && regex.dfa === 0);
  // The same set as a version-3 control plane compiled it: the table inline, no dfas.
  const { dfas, ...head } = tabled;
  const inline = { ...head, wireVersion: 1, version: 1, rules: [{ ...tabled.rules[0]!, path: { ...regex, dfa: dfas![0]! } }] };
  const broken = { ...tabled, version: 2, rules: [{ ...tabled.rules[0]!, path: { ...regex, dfa: 3 } }] };
  const host = await run(undefined, [answer(JSON.stringify(inline)), answer(JSON.stringify(broken))]);
  try {
    assert.equal(status(host, '/new/12'), '503', 'the inline set applies, and stays');
    const refused = host.logs.filter((l) => l.level === 3 && l.message.includes('rules[0].path.dfa: no table 3 in dfas'));
    assert.equal(refused.length, 1, host.logs.map((l) => l.message).join('\n'));
  } finally {
    host.close();
  }
});

test('this plugin reads the compact form (wire version 5), and refuses a malformed one naming the field, keeping its last good set', async () => {
  const good = compileRuleSet([policy('plain', { prefix: '/old' }), policy('tabled', { regex: '/new/[0-9]+' })], {
    epoch: 'e',
    version: 1,
  });
  const compact = compactRuleSet(good);
  const next = (version: number) => JSON.parse(JSON.stringify({ ...compact, version })) as Record<string, any>;
  const badStatus = next(2);
  badStatus.policies[0].rules[0].abort.status = 700;
  const rulesFirst = next(3);
  const { rules, ...fields } = rulesFirst.policies[1];
  rulesFirst.policies[1] = { rules, ...fields };
  const oldVersion = { ...next(4), wireVersion: 4 };
  const host = await run(
    undefined,
    [answer(serializeCompactRuleSet(good)), ...[badStatus, rulesFirst, oldVersion].map((set) => answer(JSON.stringify(set)))],
    120_000,
  );
  try {
    assert.equal(status(host, '/old'), '503', 'the compact set applies, and stays');
    assert.equal(status(host, '/new/12'), '503');
    assert.equal(host.metric('wasmcustom_hfi_ruleset_updates_total'), 1);
    const warnings = host.logs.filter((l) => l.level === 3).map((l) => l.message);
    for (const reason of [
      'policies[0].rules[0].abort.status: expected an integer in 200..599',
      'policies[1].rules: must come after policy, policyVersion, selector and activeFromMs',
      'policies: the compact form needs wireVersion 5, given before it',
    ]) {
      assert.equal(warnings.filter((m) => m.includes(`rule set refused: ${reason}`)).length, 1, `${reason}\n${warnings.join('\n')}`);
    }
  } finally {
    host.close();
  }
});
