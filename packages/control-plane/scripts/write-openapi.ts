// Writes docs/openapi.json: the document the control plane serves at /v1/openapi.json, from a control
// plane built in-process (memory store, no listen). Run through `npm run openapi` at the repository root.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { OPENAPI_PATH } from '../src/contract/openapi.js';

const target = fileURLToPath(new URL('../../../../docs/openapi.json', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const app = await buildApp({
  config: { ...structuredClone(DEFAULT_CONFIG), logging: { level: 'silent', format: 'json' } },
  clock: { now: () => Date.now() },
  randomHex: () => '00',
  version: pkg.version,
  logger: false,
});
try {
  const response = await app.inject({ method: 'GET', url: OPENAPI_PATH });
  if (response.statusCode !== 200) throw new Error(`${OPENAPI_PATH} answered ${response.statusCode}: ${response.body}`);
  writeFileSync(target, `${JSON.stringify(JSON.parse(response.body), null, 2)}\n`);
  console.log(`wrote ${target}`);
} finally {
  await app.close();
}
