// The golden wire fixtures the plugin's conformance tests read must be what the compiler and decideFault produce now.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { testdataDir } from './helpers.js';
import { buildWireFixtures, WIRE_FIXTURE_DIRS } from './wire-fixtures.js';

for (const [form, dir] of Object.entries(WIRE_FIXTURE_DIRS) as [keyof typeof WIRE_FIXTURE_DIRS, string][]) {
  test(`testdata/${dir}/*.json (the ${form} form) are up to date (regenerate: npm run fixtures -w @hfi/policy)`, () => {
    const fixtures = buildWireFixtures(form);
    const onDisk = readdirSync(join(testdataDir, dir))
      .filter((name) => name.endsWith('.json'))
      .sort();
    assert.deepEqual(onDisk, fixtures.map((fixture) => fixture.file).sort());
    for (const fixture of fixtures) {
      assert.equal(readFileSync(join(testdataDir, dir, fixture.file), 'utf8'), fixture.content, `${dir}/${fixture.file} is stale`);
    }
  });
}

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
