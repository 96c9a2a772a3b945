// Does the search find anything on the real mesh? `npm run bench:mesh -w @hfi/recommender`: the demo mesh from
// testkit (the control plane, three services behind hfi-proxy with the compiled plugin, steady load), and live
// sessions through @hfi/client on examples/recommender/mesh.yaml, one after the other on that one mesh. Measures, per
// strategy, the trials until a finding within 90% of the worst severity, the worst measured first by one trial of the
// known worst point. A session stops once it has found it (the later trials do not change the measure). Seeds run
// round-robin (every strategy for seed 1, then seed 2, ...) until BENCH_SEEDS or the BENCH_MINUTES wall-time cap.
// Env: BENCH_SEEDS (10), BENCH_BUDGET (15), BENCH_TRIAL_SECONDS (6), BENCH_MINUTES (40), BENCH_OPTIMIZERS.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { HfiClient } from '@hfi/client';
import { startMesh, waitFor } from '@hfi/testkit';
import { policyForCandidate } from '../src/encoding/policy.js';
import { encodeSpace } from '../src/encoding/space-encoding.js';
import { LiveExecutor } from '../src/live/executor.js';
import type { OptimiserName } from '../src/optimisers/registry.js';
import { SESSION_FORMAT, type Session } from '../src/sessions/session.js';
import { DEMO_MESH } from '../src/simulate/demo-mesh.js';
import { readSearchSpace } from '../src/space/read.js';
import type { SearchSpace } from '../src/space/types.js';
import { scoreOutcomes } from '../src/trials/outcomes.js';
import { runSession } from '../src/trials/runner.js';
import { quantile, showTrials } from './summary.js';

const SPACE_FILE = fileURLToPath(new URL('../../../../examples/recommender/mesh.yaml', import.meta.url));
const SEEDS = Number(process.env.BENCH_SEEDS ?? 10);
const BUDGET = Number(process.env.BENCH_BUDGET ?? 15);
const TRIAL_SECONDS = Number(process.env.BENCH_TRIAL_SECONDS ?? 6);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 40);
const OPTIMIZERS = (process.env.BENCH_OPTIMIZERS ?? 'bo,random,grid').split(',') as OptimiserName[];
const SHARE = 0.9;
/** The known worst: a delay past frontend's 300 ms timeout on every catalog request, all of them. */
const WORST = { target: 'demo/catalog * /catalog*', kind: 'delay', delay_ms: 3000, percentage: 100 };

class Found extends Error {}

const read = readSearchSpace(readFileSync(SPACE_FILE, 'utf8'));
if (!read.ok) throw new Error(`${SPACE_FILE}: ${JSON.stringify(read.errors)}`);
// Short trials and no quiet read between them (the guard) keep the wall time bounded; the mesh has no baseline errors.
const space: SearchSpace = { ...read.space, trialSeconds: TRIAL_SECONDS, guards: { maxErrorRate: null, stopWhen: [] } };

const mesh = await startMesh({ settings: DEMO_MESH });
const startedAt = Date.now();
try {
  const client = new HfiClient({ server: mesh.controlPlane.url });
  const executor = new LiveExecutor(client, { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
  await waitFor(async () => (await client.listDataPlanes()).length === 6, { timeoutMs: 30_000, what: 'six data planes' });
  await waitFor(async () => ((await client.workloads({ window: '5s' })).items.find((w) => w.service === 'frontend')?.requests ?? 0) > 20, {
    timeoutMs: 30_000,
    what: 'frontend outcomes',
  });

  const worstPolicy = policyForCandidate(space, encodeSpace(space), WORST, { sessionId: 'bench-worst', trial: 1 });
  await executor.apply(worstPolicy);
  const window = await executor.waitForWindow(worstPolicy, space.trialSeconds);
  const worstOutcomes = await executor.readOutcomes(space.objective.workload, window);
  await executor.delete(worstPolicy.metadata.name);
  const worst = scoreOutcomes(space.objective, worstOutcomes).severity;
  const threshold = SHARE * worst;
  console.log(
    `space ${SPACE_FILE} with ${TRIAL_SECONDS} s trials, ${DEMO_MESH.entryRatePerSecond} requests/s at the entry\n` +
      `worst severity measured ${worst} (${JSON.stringify(WORST)}: ${worstOutcomes.requests} requests, ${JSON.stringify(worstOutcomes.statuses)}, p99 ${worstOutcomes.latencyMs.p99} ms); a finding counts from ${threshold.toFixed(2)}\n` +
      `up to ${SEEDS} seeds within ${MINUTES} min, budget ${BUDGET}, load average ${loadavg()[0]!.toFixed(2)} at the start\n`,
  );

  const counts = new Map<OptimiserName, number[]>(OPTIMIZERS.map((o) => [o, []]));
  let seeds = 0;
  for (let seed = 1; seed <= SEEDS && Date.now() - startedAt < MINUTES * 60_000; seed++) {
    for (const optimizer of OPTIMIZERS) {
      const found = await trialsUntilFound(executor, optimizer, seed, threshold);
      counts.get(optimizer)!.push(found ?? BUDGET + 1);
      console.log(`seed ${seed} ${optimizer.padEnd(7)} ${found === undefined ? `not found in ${BUDGET}` : `found at trial ${found}`}`);
    }
    seeds = seed;
  }
  console.log(
    `\n${seeds} seeds in ${((Date.now() - startedAt) / 60_000).toFixed(1)} min, load average ${loadavg()[0]!.toFixed(2)} at the end`,
  );
  const medians = new Map<OptimiserName, number>();
  for (const [optimizer, list] of counts) {
    const sorted = [...list].sort((a, b) => a - b);
    medians.set(optimizer, quantile(sorted, 0.5));
    console.log(
      `${optimizer.padEnd(7)} median ${show(quantile(sorted, 0.5))}  IQR ${show(quantile(sorted, 0.25))}-${show(quantile(sorted, 0.75))}  found ${sorted.filter((c) => c <= BUDGET).length}/${seeds}  trials: ${list.map(show).join(' ')}`,
    );
  }
  const random = medians.get('random');
  const bo = medians.get('bo');
  if (random !== undefined && bo !== undefined) {
    const ratio = bo / random;
    console.log(`bo / random median trials: ${ratio.toFixed(2)}${ratio <= 0.5 ? ' goal met (<= 0.5)' : ' goal missed (> 0.5)'}`);
  }
} finally {
  await mesh.stop();
}

/** The trial (counted from 1) whose severity first reached the threshold, or undefined within the budget. */
async function trialsUntilFound(
  executor: LiveExecutor,
  optimizer: OptimiserName,
  seed: number,
  threshold: number,
): Promise<number | undefined> {
  const now = new Date().toISOString();
  const session: Session = {
    format: SESSION_FORMAT,
    id: `mb-${optimizer}-${seed}-${Date.now().toString(36)}`,
    createdAt: now,
    updatedAt: now,
    state: 'running',
    space: read.ok ? read.document : null,
    seed,
    budget: BUDGET,
    optimizer,
    executor: 'live',
    trials: [],
  };
  try {
    await runSession(session, space, {
      executor,
      store: { save: async () => {} },
      now: Date.now,
      onTrial: (record) => {
        if (record.score.severity >= threshold) throw new Found();
      },
    });
  } catch (error) {
    if (!(error instanceof Found)) throw error;
  }
  return session.trials.find((t) => t.score.severity >= threshold)?.trial;
}

function show(trials: number): string {
  return showTrials(trials, BUDGET);
}
