// The policy schema in @hfi/api (what OpenAPI publishes) and the hand-written validator (what the server
// runs) agree on what is accepted: every document the validator accepts, the schema accepts too, and every
// canonical form fits the canonical schema. Where the schema cannot express a rule (a regex's automaton,
// header-name grammar, "a delay or an abort") the validator is the stricter of the two, never the looser.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMPONENT_SCHEMAS, compileChecker, FaultInjectionPolicy, PolicyDocument } from '@hfi/api';
import fc from 'fast-check';
import { parsePolicyDocuments, validatePolicy } from '../src/index.js';
import { policyInput } from './arbitraries.js';
import { testdataDir } from './helpers.js';

const documentSchema = compileChecker(PolicyDocument, [...COMPONENT_SCHEMAS]);
const canonicalSchema = compileChecker(FaultInjectionPolicy, [...COMPONENT_SCHEMAS]);

function documentsIn(folder: 'valid' | 'invalid'): { where: string; document: unknown }[] {
  const dir = join(testdataDir, folder);
  return readdirSync(dir)
    .filter((name) => /\.(ya?ml|json)$/.test(name) && !name.endsWith('.canonical.json') && !name.endsWith('.expect.json'))
    .flatMap((file) => {
      const { documents, errors } = parsePolicyDocuments(readFileSync(join(dir, file), 'utf8'));
      if (errors.length > 0) return []; // a syntax error: neither validator sees a document
      return documents.map((document, index) => ({ where: `${folder}/${file}[doc ${index}]`, document }));
    });
}

const valid = documentsIn('valid');
const invalid = documentsIn('invalid');

test('every valid fixture fits the document schema, and its canonical form the canonical schema', () => {
  assert.ok(valid.length >= 10, `only ${valid.length} valid documents found`);
  for (const { where, document } of valid) {
    const result = validatePolicy(document);
    assert.ok(result.ok, `${where}: the validator refuses it`);
    assert.deepEqual(documentSchema.errors(document), [], `${where}: PolicyDocument refuses what the validator accepts`);
    assert.deepEqual(canonicalSchema.errors(result.policy), [], `${where}: the canonical form does not fit FaultInjectionPolicy`);
    assert.ok(documentSchema.check(result.policy), `${where}: the canonical form is not a valid document`);
  }
});

test('every invalid fixture is refused by the validator; the schema refuses most of them on its own', () => {
  assert.ok(invalid.length >= 20, `only ${invalid.length} invalid documents found`);
  let refusedBySchema = 0;
  for (const { where, document } of invalid) {
    assert.equal(validatePolicy(document).ok, false, `${where}: the validator accepts an invalid fixture`);
    if (!documentSchema.check(document)) refusedBySchema++;
  }
  // The rest are rules only the validator can check; the schema must still catch the structural ones.
  assert.ok(refusedBySchema >= invalid.length / 2, `the schema refuses only ${refusedBySchema} of ${invalid.length}`);
});

test('generated policies in every accepted spelling: whatever the validator accepts, the schemas accept', () => {
  fc.assert(
    fc.property(policyInput(), (input) => {
      const result = validatePolicy(input);
      if (!result.ok) return true;
      return documentSchema.check(input) && canonicalSchema.check(result.policy);
    }),
    { numRuns: 300 },
  );
});
