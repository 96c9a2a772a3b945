// Configs that must be rejected: one fixture per rejection, with the exact set of error paths expected and a
// phrase each message must contain (so that messages keep saying what was expected and what was found).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FieldError } from '../src/index.js';
import { parsePolicyDocuments, validatePolicy } from '../src/index.js';
import { testdataDir } from './helpers.js';

const dir = join(testdataDir, 'invalid');
const fixtures = readdirSync(dir).filter((name) => name.endsWith('.yaml'));

interface Expectation {
  errors: { path: string; message: string }[];
}

function errorsOf(text: string): FieldError[] {
  const { documents, errors } = parsePolicyDocuments(text);
  if (errors.length > 0) return errors;
  return documents.flatMap((document) => {
    const result = validatePolicy(document);
    return result.ok ? [] : result.errors;
  });
}

test('there is a rejection fixture per rule of the validator', () => {
  assert.ok(fixtures.length >= 50, `only ${fixtures.length} fixtures`);
});

for (const file of fixtures) {
  test(`rejects ${file}`, () => {
    const expectation = JSON.parse(readFileSync(join(dir, file.replace(/\.yaml$/, '.expect.json')), 'utf8')) as Expectation;
    const errors = errorsOf(readFileSync(join(dir, file), 'utf8'));
    assert.deepEqual(
      errors.map((error) => error.path).sort(),
      expectation.errors.map((error) => error.path).sort(),
      `paths differ; got ${JSON.stringify(errors, null, 1)}`,
    );
    for (const expected of expectation.errors) {
      const actual = errors.find((error) => error.path === expected.path && error.message.includes(expected.message));
      assert.ok(
        actual,
        `no error at ${JSON.stringify(expected.path)} mentioning ${JSON.stringify(expected.message)}; got ${JSON.stringify(errors, null, 1)}`,
      );
    }
  });
}
