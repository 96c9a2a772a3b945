import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompiledRuleSet } from '@hfi/policy';
import { summariseRuleSet } from './policy-watch.js';

const set = (version: number, rules: Array<[string, string]>): CompiledRuleSet =>
  ({
    wireVersion: 1,
    epoch: 'e',
    version,
    hash: '',
    rules: rules.map(([policy, policyVersion]) => ({ policy, policyVersion })),
  }) as unknown as CompiledRuleSet;

test('each update says what changed since the previous one', () => {
  const first = summariseRuleSet(set(1, [['a', '1']]), 'T');
  assert.equal(first.line, 'T version 1: 1 rule from 1 policy: a (v1)');
  const second = summariseRuleSet(
    set(3, [
      ['a', '2'],
      ['a', '2'],
      ['b', '3'],
    ]),
    'T',
    first.versions,
  );
  assert.equal(second.line, 'T version 3: 3 rules from 2 policies: a (v2), b (v3) [added b; updated a]');
  const third = summariseRuleSet(set(4, []), 'T', second.versions);
  assert.equal(third.line, 'T version 4: 0 rules from 0 policies [removed a, b]');
});
