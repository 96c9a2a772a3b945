// Regenerates packages/policy/testdata/wire/*.json and wire-compact/*.json: `npm run fixtures -w @hfi/policy` (after building).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdataDir } from './helpers.js';
import { buildWireFixtures, WIRE_FIXTURE_DIRS } from './wire-fixtures.js';

for (const [form, dir] of Object.entries(WIRE_FIXTURE_DIRS) as [keyof typeof WIRE_FIXTURE_DIRS, string][]) {
  for (const fixture of buildWireFixtures(form)) {
    writeFileSync(join(testdataDir, dir, fixture.file), fixture.content);
    console.log(`wrote testdata/${dir}/${fixture.file}`);
  }
}
