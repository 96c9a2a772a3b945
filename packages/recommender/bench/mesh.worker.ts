// One mesh of the mesh benchmark, in its own worker thread: the demo mesh from testkit (its own control plane, three
// services behind hfi-proxy with the compiled plugin, steady load, all on free loopback ports), its worst severity
// measured by one trial of the known worst point, then the live sessions the coordinator hands it, one at a time. Its own
// thread, so that one mesh's optimiser (a Gaussian-process fit) never stalls another mesh's services mid-trial.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
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
import { SHARE, SPACE_FILE, WORST } from './goal.js';
import type { FromMesh, MeshWorkerData, SessionResult, ToMesh } from './mesh-protocol.js';

const port = parentPort;
if (!port) throw new Error('mesh.worker.js runs as a worker thread of mesh.bench.js');
const settings = workerData as MeshWorkerData;
const post = (message: FromMesh): void => port.postMessage(message);

class Found extends Error {}

const read = readSearchSpace(readFileSync(SPACE_FILE, 'utf8'));
if (!read.ok) throw new Error(`${SPACE_FILE}: ${JSON.stringify(read.errors)}`);
// Short trials and no quiet read between them (the guard) keep the wall time bounded; the mesh has no baseline errors.
const space: SearchSpace = { ...read.space, trialSeconds: settings.trialSeconds, guards: { maxErrorRate: null, stopWhen: [] } };

const mesh = await startMesh({ settings: DEMO_MESH });
try {
  const client = new HfiClient({ server: mesh.controlPlane.url });
  const executor = new LiveExecutor(client, { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
  await waitFor(async () => (await client.listDataPlanes()).length === 6, { timeoutMs: 30_000, what: 'six data planes' });
  await waitFor(async () => ((await client.workloads({ window: '5s' })).items.find((w) => w.service === 'frontend')?.requests ?? 0) > 20, {
    timeoutMs: 30_000,
    what: 'frontend outcomes',
  });

  const worstPolicy = policyForCandidate(space, encodeSpace(space), WORST, { sessionId: `bench-worst-m${settings.mesh}`, trial: 1 });
  await executor.apply(worstPolicy);
  const window = await executor.waitForWindow(worstPolicy, space.trialSeconds);
  const worstOutcomes = await executor.readOutcomes(space.objective.workload, window);
  await executor.delete(worstPolicy.metadata.name);
  const worst = scoreOutcomes(space.objective, worstOutcomes).severity;
  const threshold = SHARE * (settings.worst ?? worst);
  post({
    kind: 'ready',
    mesh: settings.mesh,
    worst: { severity: worst, requests: worstOutcomes.requests, statuses: worstOutcomes.statuses, p99Ms: worstOutcomes.latencyMs.p99 },
    threshold,
  });

  for (let order = await nextOrder(); order.kind === 'session'; order = await nextOrder()) {
    post({ kind: 'result', mesh: settings.mesh, result: await trialsUntilFound(executor, order.optimizer, order.seed, threshold) });
  }
} finally {
  await mesh.stop();
}
// The keep-alive sockets of the client would hold the thread open.
process.exit(0);

function nextOrder(): Promise<ToMesh> {
  return new Promise((resolve) => {
    port?.once('message', resolve);
    post({ kind: 'idle', mesh: settings.mesh });
  });
}

/** A live session on this mesh, stopped once a trial's severity reaches the threshold (later trials do not change the measure). */
async function trialsUntilFound(executor: LiveExecutor, optimizer: OptimiserName, seed: number, threshold: number): Promise<SessionResult> {
  const now = new Date().toISOString();
  const session: Session = {
    format: SESSION_FORMAT,
    id: `mb-${optimizer}-${seed}-${Date.now().toString(36)}`,
    createdAt: now,
    updatedAt: now,
    state: 'running',
    space: read.ok ? read.document : null,
    seed,
    budget: settings.budget,
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
  return {
    seed,
    optimizer,
    found: session.trials.find((t) => t.score.severity >= threshold)?.trial ?? null,
    severities: session.trials.map((t) => t.score.severity),
  };
}
