#!/usr/bin/env node
// Runs every workspace's benchmark (`npm run bench` in each that has one), one after the other,
// so that figures are not disturbed by each other. Results are printed; docs/benchmarks.md records them.
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
const workspaces = ['@hfi/policy', '@hfi/control-plane', '@hfi/plugin', '@hfi/proxy-host', '@hfi/cli', '@hfi/recommender', '@hfi/e2e'];
let failed = false;
for (const ws of workspaces) {
  if (only.length > 0 && !only.some((o) => ws.includes(o))) continue;
  console.log(`\n=== bench ${ws}`);
  const r = spawnSync('npm', ['run', '--silent', '--if-present', 'bench', '-w', ws], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
