#!/usr/bin/env node
// Runs every workspace's benchmark (`npm run bench` in each that has one), one after the other,
// so that figures are not disturbed by each other, then the recommender's mesh benchmark (`bench:mesh`: the real
// demo mesh, bounded by BENCH_MINUTES). Results are printed; docs/benchmarks.md records them.
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
const benches = [
  ...['@hfi/policy', '@hfi/control-plane', '@hfi/plugin', '@hfi/proxy-host', '@hfi/cli', '@hfi/recommender', '@hfi/e2e'].map((ws) => [
    ws,
    'bench',
  ]),
  ['@hfi/recommender', 'bench:mesh'],
];
let failed = false;
for (const [ws, script] of benches) {
  if (only.length > 0 && !only.some((o) => ws.includes(o))) continue;
  console.log(`\n=== ${script} ${ws}`);
  const r = spawnSync('npm', ['run', '--silent', '--if-present', script, '-w', ws], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
