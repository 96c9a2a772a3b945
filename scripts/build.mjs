#!/usr/bin/env node
// Builds every workspace: TypeScript through project references, then the dashboard's bundle, then the wasm plugin.
// Used by `npm run build`, and by `prepare`, so that a fresh `npm ci` leaves every bin runnable.
import { spawnSync } from 'node:child_process';

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) {
    console.error(`build: '${cmd} ${args.join(' ')}' failed`);
    process.exit(result.status ?? 1);
  }
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
run(npx, ['tsc', '-b']);
run(npm, ['run', '--silent', 'build:ui', '-w', '@hfi/dashboard']);
run(npm, ['run', '--silent', 'build:wasm', '-w', '@hfi/plugin']);
