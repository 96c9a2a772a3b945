// How long an SRE waits for hfi-cli: process start to exit, for offline and server commands.
// Spawns the real bin against the real control plane (memory store) on loopback.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { hfiCliBin, startControlPlane } from '@hfi/testkit';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = Number(process.env.HFI_BENCH_RUNS ?? 15);
/** Goal: a read command answers within half a second on an idle laptop. */
const GOAL_MS = 500;

function time(args: string[], env: Record<string, string>): number[] {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [hfiCliBin, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    samples.push(performance.now() - start);
    if (r.status !== 0) throw new Error(`hfi-cli ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return samples.sort((a, b) => a - b);
}

const cp = await startControlPlane();
try {
  const env = { HFI_SERVER: cp.url };
  spawnSync(process.execPath, [hfiCliBin, 'policy', 'apply', '-f', 'testdata/policies'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const baseline = (() => {
    const s: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      s.push(performance.now() - t);
    }
    return s.sort((a, b) => a - b);
  })();
  const cases: Array<[string, string[]]> = [
    ['--version', ['--version']],
    ['policy validate -f testdata/policies', ['policy', 'validate', '-f', 'testdata/policies']],
    ['policy list', ['policy', 'list']],
    ['policy describe api-delay', ['policy', 'describe', 'api-delay']],
    ['policy apply -f testdata/policies (5, unchanged)', ['policy', 'apply', '-f', 'testdata/policies']],
  ];
  const median = (s: number[]) => s[Math.floor(s.length / 2)] as number;
  const p90 = (s: number[]) => s[Math.floor(s.length * 0.9)] as number;
  console.log(`hfi-cli start-to-exit, ${RUNS} runs each (ms)`);
  console.log(
    `${'node -e 0 (baseline)'.padEnd(52)} median ${median(baseline).toFixed(0).padStart(5)}  p90 ${p90(baseline).toFixed(0).padStart(5)}`,
  );
  for (const [label, args] of cases) {
    const s = time(args, env);
    const ratio = median(s) / GOAL_MS;
    console.log(
      `${label.padEnd(52)} median ${median(s).toFixed(0).padStart(5)}  p90 ${p90(s).toFixed(0).padStart(5)}  goal ${GOAL_MS} ms: ${ratio.toFixed(2)}x of goal`,
    );
  }
} finally {
  await cp.stop();
}
