#!/usr/bin/env node
// npm pack bundles @hfi/api into the tarball (bundleDependencies), so that @hfi/client installs without the
// monorepo. npm bundles only what is in this package's own node_modules, and the workspace links @hfi/api
// at the root: `prepack` copies its built files here, `postpack` (`--remove`) takes the copy away again.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const copy = new URL('../node_modules/@hfi/api/', import.meta.url);
const source = new URL('../../api/', import.meta.url);

rmSync(copy, { recursive: true, force: true });
if (process.argv.includes('--remove')) {
  // Leave no empty folders behind: the workspace resolves @hfi/api at the root.
  for (const dir of ['../node_modules/@hfi/', '../node_modules/']) {
    const url = new URL(dir, import.meta.url);
    if (existsSync(url) && readdirSync(url).length === 0) rmSync(url, { recursive: true });
  }
} else {
  mkdirSync(copy, { recursive: true });
  cpSync(new URL('package.json', source), new URL('package.json', copy));
  cpSync(new URL('dist/src/', source), new URL('dist/src/', copy), { recursive: true });
}
