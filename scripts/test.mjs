#!/usr/bin/env node
// Runs the whole suite with Node's built-in runner over the compiled tests.
// `node scripts/test.mjs [workspace-dir-substring...]` narrows it, e.g. `node scripts/test.mjs policy`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = [
  'packages/api',
  'packages/duration',
  'packages/policy',
  'packages/proxy-host',
  'packages/plugin',
  'packages/control-plane',
  'packages/client',
  'packages/dashboard',
  'packages/cli',
  'packages/recommender',
  'deploy',
  'testkit',
  'e2e',
];

function testFiles(dir) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

/** Whether a compiled test still has its source: tsc -b does not delete outputs of removed files. */
function hasSource(workspace, compiled) {
  const source = relative(join(root, workspace, 'dist'), compiled).replace(/\.js$/, '.ts');
  return existsSync(join(root, workspace, source));
}

const filters = process.argv.slice(2);
const files = roots
  .filter((r) => filters.length === 0 || filters.some((f) => r.includes(f)))
  .flatMap((r) => testFiles(join(root, r, 'dist')).filter((f) => hasSource(r, f)))
  .map((f) => relative(root, f))
  .sort();

if (files.length === 0) {
  console.error('test: no compiled test files found; run `npm run build` first');
  process.exit(1);
}

const concurrency = Number(process.env.HFI_TEST_CONCURRENCY ?? Math.max(2, availableParallelism()));
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
