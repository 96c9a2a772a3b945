// The error registry and docs/api.md list the same codes with the same statuses (as fastify checks its own).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '@hfi/testkit';
import { ERROR_CODES } from '../src/errors.js';

test('docs/api.md documents every error code with its status, and no other', () => {
  const api = readFileSync(join(repoRoot, 'docs/api.md'), 'utf8');
  const documented = Object.fromEntries([...api.matchAll(/^\| `(HFI_[A-Z_]+)` +\| (\d{3}) +\|/gm)].map((m) => [m[1], Number(m[2])]));
  const registered = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));
  assert.deepEqual(documented, registered);
});
