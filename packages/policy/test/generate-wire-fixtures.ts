// Regenerates packages/policy/testdata/wire/*.json: `npm run fixtures -w @hfi/policy` (after building).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdataDir } from './helpers.js';
import { buildWireFixtures } from './wire-fixtures.js';

for (const fixture of buildWireFixtures()) {
  writeFileSync(join(testdataDir, 'wire', fixture.file), fixture.content);
  console.log(`wrote testdata/wire/${fixture.file}`);
}
