// The compact form (wire version 5, docs/wire-format.md "The compact form"): lossless against the rule form, byte
// for byte what compactRuleSet gives, defaults left out, and each data plane's own set made of whole policies.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMPONENT_SCHEMAS, CompactRuleSet, compileChecker } from '@hfi/api';
import { POLICIES, policyInput, SIZE_GOAL, toStored } from '../bench/policies.js';
import {
  type CompiledRuleSet,
  compactRuleSet,
  compileRuleSet,
  expandRuleSet,
  inlineRuleSet,
  ruleSetForIdentity,
  serializeCompactRuleSet,
  serializeRuleSetAs,
  validatePolicy,
  WIRE_COMPACT_VERSION,
  wireFormFor,
} from '../src/index.js';
import { policy, stored, T0, testdataDir } from './helpers.js';

const compactSchema = compileChecker(CompactRuleSet, [...COMPONENT_SCHEMAS]);

function goldenRuleSets(): { file: string; ruleSet: CompiledRuleSet }[] {
  const dir = join(testdataDir, 'wire');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((file) => ({ file, ruleSet: (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { ruleSet: CompiledRuleSet }).ruleSet }));
}

test('every golden set in the compact form fits CompactRuleSet, serialises as JSON.stringify of it, and expands back to the same set', () => {
  const sets = goldenRuleSets();
  assert.ok(sets.length >= 10, `only ${sets.length} golden sets`);
  for (const { file, ruleSet } of sets) {
    const compact = compactRuleSet(ruleSet);
    assert.deepEqual(compactSchema.errors(compact), [], `${file}: does not fit CompactRuleSet`);
    const text = serializeCompactRuleSet(ruleSet);
    assert.equal(text, JSON.stringify(compact), `${file}: serialised differently`);
    assert.deepEqual(expandRuleSet(JSON.parse(text)), ruleSet, `${file}: not lossless`);
  }
});

const shop = [
  stored(
    policy(
      'shop',
      [
        { match: { path: { prefix: '/cart' }, method: { exact: 'POST' } }, fault: { percentage: 10, delay: { fixedDelay: '250ms' } } },
        {
          match: {
            headers: [
              { name: 'X-User', exact: 'tester' },
              { name: 'x-bypass', present: false },
            ],
          },
          fault: { percentage: 100, abort: { httpStatus: 503 }, duration_seconds: 60 },
        },
      ],
      { selector: { service: 'frontend', namespace: 'demo' }, priority: 2 },
    ),
    { version: '7' },
  ),
  stored(policy('other', [{ match: { path: { regex: '/a/[0-9]+' } }, fault: { percentage: 50, abort: { httpStatus: 500, body: 'x' } } }]), {
    version: '3',
  }),
];

test('a policy is written once with its fields, then its rules without id, ruleIndex, policy fields or defaults', () => {
  const ruleSet = compileRuleSet(shop, { epoch: 'e', version: 4 });
  const compact = JSON.parse(serializeCompactRuleSet(ruleSet));
  assert.equal(compact.wireVersion, WIRE_COMPACT_VERSION);
  assert.equal(compact.hash, ruleSet.hash, "the hash is the rule form's");
  assert.deepEqual(Object.keys(compact), ['wireVersion', 'epoch', 'version', 'hash', 'dfas', 'policies']);
  assert.deepEqual(compact.policies[0], {
    policy: 'shop',
    policyVersion: '7',
    priority: 2,
    selector: { service: 'frontend', namespace: 'demo' },
    activeFromMs: T0,
    rules: [
      { path: { prefix: '/cart' }, method: { exact: 'POST' }, perMillion: 100_000, delayMs: 250 },
      {
        headers: [
          { name: 'x-user', exact: 'tester' },
          { name: 'x-bypass', present: false },
        ],
        perMillion: 1_000_000,
        abort: { status: 503 },
        expiresAtMs: T0 + 60_000,
      },
    ],
  });
  assert.deepEqual(compact.policies[1].rules, [
    { path: { regex: '/a/[0-9]+', dfa: 0 }, perMillion: 500_000, abort: { status: 500, body: 'x' } },
  ]);
});

test('rules that do not follow their policy (a hand-made set) keep their id and ruleIndex, and expand back unchanged', () => {
  const ruleSet = compileRuleSet(shop, { epoch: 'e', version: 4 });
  const [a, b, c] = ruleSet.rules as [CompiledRuleSet['rules'][0], CompiledRuleSet['rules'][0], CompiledRuleSet['rules'][0]];
  const odd: CompiledRuleSet = { ...ruleSet, rules: [b, c, a, { ...a, id: 'renamed' }] };
  const compact = compactRuleSet(odd);
  assert.deepEqual(
    compact.policies.map((p) => [p.policy, p.rules.map((r) => [r.ruleIndex, r.id])]),
    [
      ['shop', [[1, undefined]]],
      ['other', [[undefined, undefined]]],
      [
        'shop',
        [
          [undefined, undefined],
          [0, 'renamed'],
        ],
      ],
    ],
  );
  assert.deepEqual(expandRuleSet(JSON.parse(JSON.stringify(compact))), odd);
});

test("each data plane's own set and a halted one consist of whole policies, so its rules' indices follow from position", () => {
  const ruleSet = compileRuleSet(shop, {
    epoch: 'e',
    version: 4,
    halts: [{ selector: { service: 'cart', namespace: '*' }, reason: 'stop', createdAt: new Date(T0).toISOString() }],
  });
  for (const identity of [
    { service: 'frontend', namespace: 'demo' },
    { service: 'cart', namespace: 'demo' },
    { service: null, namespace: null },
  ]) {
    const own = ruleSetForIdentity(ruleSet, identity);
    const compact = compactRuleSet(own);
    assert.ok(
      compact.policies.every((p) => p.rules.every((r) => r.ruleIndex === undefined && r.id === undefined)),
      JSON.stringify(identity),
    );
    assert.deepEqual(expandRuleSet(compact), own);
  }
});

test('a plugin gets the newest form it reads: compact from version 5, shared tables at 4, tables inline up to 3', () => {
  assert.equal(wireFormFor(5), 'compact');
  assert.equal(wireFormFor(6), 'compact');
  assert.equal(wireFormFor(4), 'rules');
  assert.equal(wireFormFor(3), 'inline');
  assert.equal(wireFormFor(1), 'inline');
  const ruleSet = compileRuleSet(shop, { epoch: 'e', version: 4 });
  assert.equal(ruleSet.wireVersion, 4);
  const inline = JSON.parse(serializeRuleSetAs(ruleSet, 'inline')) as CompiledRuleSet;
  assert.equal(inline.wireVersion, 1, 'tables inline, nothing else of a later version: version 1');
  assert.equal(inline.dfas, undefined);
  assert.equal(typeof (inline.rules[2]!.path as { dfa: unknown }).dfa, 'object');
  assert.equal(inline.hash, ruleSet.hash);
  assert.deepEqual(inline, inlineRuleSet(ruleSet));
  assert.equal(serializeRuleSetAs(ruleSet, 'rules'), JSON.stringify(ruleSet));
  const plain = compileRuleSet([shop[0]!], { epoch: 'e', version: 4 });
  assert.equal(serializeRuleSetAs(plain, 'inline'), serializeRuleSetAs(plain, 'rules'), 'a set without regexes is the same');
});

test("the policy bench's 30,000 rules are under 8 MB in the compact form, a data plane's 3,000 under their share, serialised in well under 10 s", () => {
  const policies = Array.from({ length: POLICIES }, (_, i) => {
    const result = validatePolicy(policyInput(i, false));
    assert.ok(result.ok);
    return toStored(result.policy, i);
  });
  const ruleSet = compileRuleSet(policies, { epoch: 'bench', version: 1 });
  assert.equal(ruleSet.rules.length, SIZE_GOAL.rules);
  const started = performance.now();
  const whole = Buffer.byteLength(serializeCompactRuleSet(ruleSet));
  const ms = performance.now() - started;
  assert.ok(whole < SIZE_GOAL.bytes, `${whole} B`);
  assert.ok(ms < 10_000, `serialised in ${ms} ms`);
  const own = ruleSetForIdentity(ruleSet, { service: 'frontend', namespace: 'demo' });
  const share = (SIZE_GOAL.bytes * own.rules.length) / SIZE_GOAL.rules;
  assert.ok(Buffer.byteLength(serializeCompactRuleSet(own)) < share, `frontend/demo: ${own.rules.length} rules`);
});
