// Does the search find anything on the real mesh? `npm run bench:mesh -w @hfi/recommender`: BENCH_MESHES independent
// demo meshes (mesh.worker.ts: each its own control plane, services, sidecars with the compiled plugin and load, in its
// own worker thread), and live sessions through @hfi/client on examples/recommender/mesh.yaml. Measures, per strategy,
// the trials until a finding within 90% of the worst severity, the worst measured first on each mesh by one trial of
// the known worst point (each mesh counts findings against its own). Sessions are handed out in order (every
// strategy for seed 1, then seed 2, ...) to whichever mesh is idle, until BENCH_SEEDS or the BENCH_MINUTES cap
// (checked before a new seed is started: a started seed is finished); the results are merged by seed.
// Env: BENCH_SEEDS (10), BENCH_BUDGET (40), BENCH_TRIAL_SECONDS (6), BENCH_MINUTES (45), BENCH_MESHES (3),
// BENCH_OPTIMIZERS (bo,random,grid), BENCH_WORST (the worst severity to count against instead of each mesh's measured
// one: the worst point's p99 sits near a latency bucket bound, so load can move its severity from 8.42 to 10).
// The defaults are the goal's full size: about 40 minutes on 2 cores.
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { OptimiserName } from '../src/optimisers/registry.js';
import { DEMO_MESH } from '../src/simulate/demo-mesh.js';
import { SPACE_FILE, WORST } from './goal.js';
import type { FromMesh, MeshWorkerData, SessionResult, ToMesh } from './mesh-protocol.js';
import { completeSeeds, summaryLines } from './mesh-summary.js';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 10);
const BUDGET = Number(process.env.BENCH_BUDGET ?? 40);
const TRIAL_SECONDS = Number(process.env.BENCH_TRIAL_SECONDS ?? 6);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 45);
const MESHES = Number(process.env.BENCH_MESHES ?? 3);
/** The worst severity findings count against on every mesh; by default each mesh's own measured one. */
const GIVEN_WORST = process.env.BENCH_WORST === undefined ? undefined : Number(process.env.BENCH_WORST);
const OPTIMIZERS = (process.env.BENCH_OPTIMIZERS ?? 'bo,random,grid').split(',') as OptimiserName[];

const startedAt = Date.now();
console.log(
  `space ${SPACE_FILE} with ${TRIAL_SECONDS} s trials, ${DEMO_MESH.entryRatePerSecond} requests/s at each mesh's entry\n` +
    `known worst ${JSON.stringify(WORST)}\n` +
    `up to ${SEEDS} seeds within ${MINUTES} min on ${MESHES} mesh(es), budget ${BUDGET}, load average ${loadavg()[0]!.toFixed(2)} at the start\n`,
);

const results: SessionResult[] = [];
/** Sessions handed out so far; session n is seed floor(n / strategies) + 1, strategy n mod strategies. */
let handedOut = 0;
let failed = false;

/** The next session for an idle mesh; stop once every seed is handed out, a mesh failed, or the cap passed before a new seed. */
function handOut(): ToMesh {
  const seed = Math.floor(handedOut / OPTIMIZERS.length) + 1;
  const startsSeed = handedOut % OPTIMIZERS.length === 0;
  if (failed || seed > SEEDS || (startsSeed && Date.now() - startedAt >= MINUTES * 60_000)) return { kind: 'stop' };
  return { kind: 'session', seed, optimizer: OPTIMIZERS[handedOut++ % OPTIMIZERS.length]! };
}

function runMesh(mesh: number): Promise<void> {
  const data: MeshWorkerData = {
    mesh,
    budget: BUDGET,
    trialSeconds: TRIAL_SECONDS,
    ...(GIVEN_WORST !== undefined && { worst: GIVEN_WORST }),
  };
  const worker = new Worker(new URL('./mesh.worker.js', import.meta.url), { workerData: data });
  worker.on('message', (message: FromMesh) => {
    if (message.kind === 'ready') {
      const { worst } = message;
      console.log(
        `mesh ${mesh}: worst severity measured ${worst.severity} (${worst.requests} requests, ${JSON.stringify(worst.statuses)}, p99 ${worst.p99Ms} ms); a finding counts from ${message.threshold.toFixed(2)}`,
      );
    } else if (message.kind === 'result') {
      const r = message.result;
      results.push(r);
      console.log(
        `seed ${r.seed} ${r.optimizer.padEnd(7)} ${r.found === null ? `not found in ${BUDGET}` : `found at trial ${r.found}`} (mesh ${mesh}; severities ${r.severities.join(' ')})`,
      );
    } else {
      worker.postMessage(handOut());
    }
  });
  return new Promise((resolve, reject) => {
    worker.once('error', (error) => {
      failed = true; // the other meshes finish the session they run, then stop
      reject(new Error(`mesh ${mesh}: ${error.message}`, { cause: error }));
    });
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mesh ${mesh}: worker exited with ${code}`))));
  });
}

const outcomes = await Promise.allSettled(Array.from({ length: MESHES }, (_, i) => runMesh(i + 1)));

const complete = completeSeeds(results, OPTIMIZERS);
console.log(
  `\n${complete.length} seeds (${complete.join(' ')}) on ${MESHES} mesh(es) in ${((Date.now() - startedAt) / 60_000).toFixed(1)} min, ` +
    `${results.reduce((sum, r) => sum + r.severities.length, 0)} trials, load average ${loadavg()[0]!.toFixed(2)} at the end`,
);
for (const line of summaryLines(results, OPTIMIZERS, BUDGET)) console.log(line);
const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
for (const f of failures) console.error(String(f.reason instanceof Error ? (f.reason.stack ?? f.reason.message) : f.reason));
if (failures.length > 0) process.exitCode = 1;
