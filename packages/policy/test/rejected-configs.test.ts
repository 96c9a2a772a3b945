// Configs that must be rejected. Each fixture in testdata/invalid/ (one policy or several documents) comes
// with the exact set of error paths expected and a phrase each message must contain (so that messages keep
// saying what was expected and what was found). REFUSALS lists every refusal the validator can make, and
// every one of them must be produced by some fixture.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FieldError } from '../src/index.js';
import { parsePolicyDocuments, validatePolicy } from '../src/index.js';
import { testdataDir } from './helpers.js';
import { REFUSALS, type Refusal } from './refusals.js';

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

const produced = fixtures.flatMap((file) => errorsOf(readFileSync(join(dir, file), 'utf8')).map((error) => ({ file, error })));
const matches = (r: Refusal, error: FieldError): boolean => r.path.test(error.path) && r.message.test(error.message);

test('every refusal the validator can make is produced by a fixture', () => {
  const missing = REFUSALS.filter((r) => !produced.some(({ error }) => matches(r, error)));
  assert.deepEqual(
    missing.map((r) => `${r.path} ${r.message}`),
    [],
  );
});

test('every error a fixture produces is a listed refusal (a new refusal is listed with its fixture)', () => {
  const unlisted = produced.filter(({ error }) => !REFUSALS.some((r) => matches(r, error)));
  assert.deepEqual(
    unlisted.map(({ file, error }) => `${file}: ${error.path}: ${error.message}`),
    [],
  );
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
