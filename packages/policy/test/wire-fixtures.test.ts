// The golden wire fixtures the plugin's conformance tests read must be what the compiler and decideFault produce now.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { testdataDir } from './helpers.js';
import { buildWireFixtures } from './wire-fixtures.js';

test('testdata/wire/*.json are up to date (regenerate: npm run fixtures -w @hfi/policy)', () => {
  const fixtures = buildWireFixtures();
  const onDisk = readdirSync(join(testdataDir, 'wire'))
    .filter((name) => name.endsWith('.json'))
    .sort();
  assert.deepEqual(onDisk, fixtures.map((fixture) => fixture.file).sort());
  for (const fixture of fixtures) {
    assert.equal(readFileSync(join(testdataDir, 'wire', fixture.file), 'utf8'), fixture.content, `${fixture.file} is stale`);
  }
});

test('the fixtures exercise both outcomes and every kind of matcher', () => {
  const all = buildWireFixtures()
    .map((fixture) => fixture.content)
    .join('\n');
  for (const needle of [
    '"kind": "exact"',
    '"kind": "prefix"',
    '"kind": "regex"',
    '"kind": "present"',
    '"kind": "absent"',
    '"action": "pass"',
    '"action": "fault"',
    '"grpcStatus": 14',
  ]) {
    assert.ok(all.includes(needle), needle);
  }
});
