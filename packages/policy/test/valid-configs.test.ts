// Every valid fixture (the seed documents' examples unchanged, plus one per feature) is accepted, and its
// canonical form is the one recorded beside it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePolicyDocuments, validatePolicy } from '../src/index.js';
import { testdataDir } from './helpers.js';

const dir = join(testdataDir, 'valid');
const files = readdirSync(dir).filter((name) => /\.(ya?ml|json)$/.test(name) && !name.endsWith('.canonical.json'));

test('there are valid fixtures, the three seed examples among them', () => {
  for (const seed of ['seed-000-api-delay-test.yaml', 'seed-001-test-policy.yaml', 'seed-002-frontend-delay.yaml']) {
    assert.ok(files.includes(seed), seed);
  }
});

for (const file of files) {
  test(`accepts ${file} and normalises it to ${file.replace(/\.(ya?ml|json)$/, '.canonical.json')}`, () => {
    const { documents, errors } = parsePolicyDocuments(readFileSync(join(dir, file), 'utf8'));
    assert.deepEqual(errors, []);
    assert.ok(documents.length > 0);
    const canonical = documents.map((document) => {
      const result = validatePolicy(document);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
      return result.policy;
    });
    const expected = JSON.parse(readFileSync(join(dir, file.replace(/\.(ya?ml|json)$/, '.canonical.json')), 'utf8')) as unknown;
    assert.deepEqual(canonical, expected);
    // Canonical output is accepted again unchanged (what `get` prints, `apply` takes).
    for (const policy of canonical) {
      const again = validatePolicy(JSON.parse(JSON.stringify(policy)));
      assert.ok(again.ok);
      assert.deepEqual(again.policy, policy);
    }
  });
}

// The policies under examples/ are what users copy first: each must be accepted as it is.
const examplesDir = join(testdataDir, '..', '..', '..', 'examples');
for (const file of readdirSync(examplesDir).filter((name) => /\.ya?ml$/.test(name))) {
  test(`examples/${file} is a valid policy`, () => {
    const { documents, errors } = parsePolicyDocuments(readFileSync(join(examplesDir, file), 'utf8'));
    assert.deepEqual(errors, []);
    assert.ok(documents.length > 0);
    for (const document of documents) {
      const result = validatePolicy(document);
      assert.ok(result.ok, `${file}: ${JSON.stringify(!result.ok && result.errors)}`);
    }
  });
}
