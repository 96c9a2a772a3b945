// Properties over generated input: the validator is total, normalisation is idempotent, compilation is
// deterministic and order-independent, and every DFA agrees with JavaScript's own RegExp.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRuleSet, validatePolicy } from '../src/index.js';
import { compileRegex } from '../src/regex/dfa.js';
import { dfaRunner } from '../src/regex/match.js';
import { latin1String, policyInput, regexSource } from './arbitraries.js';
import { stored } from './helpers.js';

test('validatePolicy never throws and always returns a well-formed result, whatever the input', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.anything(),
        fc.record({ metadata: fc.anything(), spec: fc.anything() }),
        fc.record({
          metadata: fc.record({ name: fc.anything() }),
          spec: fc.record({ rules: fc.array(fc.record({ match: fc.anything(), fault: fc.anything() })) }),
        }),
      ),
      (input) => {
        const result = validatePolicy(input);
        if (result.ok) return;
        assert.ok(result.errors.length > 0);
        for (const error of result.errors) {
          assert.equal(typeof error.path, 'string');
          assert.ok(error.message.length > 0);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('every generated policy form is accepted, and normalising the canonical form changes nothing', () => {
  fc.assert(
    fc.property(policyInput(), (input) => {
      const first = validatePolicy(input);
      assert.ok(first.ok, JSON.stringify(!first.ok && first.errors));
      const second = validatePolicy(JSON.parse(JSON.stringify(first.policy)));
      assert.ok(second.ok);
      assert.deepEqual(second.policy, first.policy);
    }),
    { numRuns: 500 },
  );
});

test('compileRuleSet is deterministic and independent of the order of its input', () => {
  const policies = fc.uniqueArray(policyInput(), { minLength: 1, maxLength: 6, selector: (p) => (p.metadata as { name: string }).name });
  fc.assert(
    fc.property(policies, fc.func(fc.integer()), (inputs, shuffleKey) => {
      const storedPolicies = inputs.map((input, i) => stored(input, { version: String(i + 1), updatedAtMs: 1_700_000_000_000 + i * 1000 }));
      const shuffled = [...storedPolicies].sort((a, b) => shuffleKey(a.metadata.name) - shuffleKey(b.metadata.name));
      const one = compileRuleSet(storedPolicies, { epoch: 'e', version: 3 });
      const two = compileRuleSet(shuffled, { epoch: 'e', version: 3 });
      assert.equal(JSON.stringify(two), JSON.stringify(one));
    }),
    { numRuns: 200 },
  );
});

test('a compiled DFA agrees with new RegExp("^(?:" + source + ")$") on Latin-1 strings', () => {
  fc.assert(
    fc.property(regexSource, fc.array(latin1String, { minLength: 50, maxLength: 50 }), (source, inputs) => {
      const compiled = compileRegex(source);
      assert.ok(compiled.ok, `${source}: ${!compiled.ok && compiled.reason}`);
      const runner = dfaRunner(compiled.dfa);
      const reference = new RegExp(`^(?:${source})$`);
      // The DFA sees the value's UTF-8 bytes as Latin-1; for the reference, give it those same code units.
      for (const input of inputs) {
        const bytesAsLatin1 = Buffer.from(input, 'utf8').toString('latin1');
        assert.equal(runner.matches(input), reference.test(bytesAsLatin1), `/${source}/ on ${JSON.stringify(input)}`);
      }
    }),
    { numRuns: 200 },
  );
});

test('hostile patterns are refused quickly, with the reason', () => {
  for (const source of [
    '((a|b)*a(a|b){20}){30}',
    '(x{1000}){1000}',
    '(a|b)*a(a|b){12}',
    '[a-z]*a[a-z]{10}',
    '(a|b)*a(a|b){20}',
    'x{1,1100}',
  ]) {
    const started = performance.now();
    const result = compileRegex(source);
    const ms = performance.now() - started;
    assert.ok(!result.ok, source);
    assert.match(result.reason, /too complex/);
    assert.ok(ms < 3_000, `${source} took ${ms.toFixed(0)} ms`);
  }
});
