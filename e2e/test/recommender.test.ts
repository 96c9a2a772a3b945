// End to end: hfi-recommender's live trials on the demo mesh (frontend -> cart -> catalog, each behind its own
// hfi-proxy, the real control plane, steady load at the entry), the real bin as a user runs it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HfiClient } from '@hfi/client';
import { DEMO_MESH, LABELS } from '@hfi/recommender';
import { closeAgent, type RunningMesh, request, startMesh, waitFor } from '@hfi/testkit';
import { launchRecommender, recommenderStateDir, runRecommender, writeSpace } from './support/recommender.js';

let mesh: RunningMesh;
let client: HfiClient;

before(async () => {
  mesh = await startMesh({ settings: DEMO_MESH });
  client = new HfiClient({ server: mesh.controlPlane.url });
  // Every sidecar's data planes are known, and frontend's outcomes have arrived, before any session starts.
  await waitFor(async () => (await client.listDataPlanes()).length === 6, { timeoutMs: 20_000, what: 'six data planes' });
  await waitFor(async () => ((await client.workloads({ window: '5s' })).items.find((w) => w.service === 'frontend')?.requests ?? 0) > 20, {
    timeoutMs: 20_000,
    what: 'frontend outcomes',
  });
});
after(async () => {
  await mesh?.stop();
  closeAgent();
});

async function sessionPolicies(sessionId: string): Promise<string[]> {
  return (await client.listPolicies()).filter((p) => p.metadata.labels?.[LABELS.session] === sessionId).map((p) => p.metadata.name);
}

function sessionIdOf(output: string): string {
  const id = /^Session (\S+):/m.exec(output)?.[1];
  assert.ok(id, output);
  return id;
}

const CATALOG_DELAYS = `
targets:
  - service: catalog
    namespace: demo
    paths: [{ prefix: /catalog }]
objective:
  workload: { service: frontend, namespace: demo }
  errorRate: { weight: 0.6, fullAt: 0.5, count: [5xx] }
  latency: { weight: 0.4, quantile: p99, slo: 300ms, full: 1s }
trialLength: 6s
`;

test('the demo mesh: the load reaches frontend, cart and catalog, each through its own sidecar, all answered 200', async () => {
  const list = await client.workloads({ window: '5s', namespace: 'demo' });
  for (const service of ['frontend', 'cart', 'catalog']) {
    const w = list.items.find((item) => item.service === service);
    assert.ok(w && w.requests > 0 && w.errors === 0, `${service}: ${JSON.stringify(w)}`);
    assert.equal(w.dataPlanes, 2, `${service}: hfi-proxy runs two worker VMs`);
  }
  assert.equal((await request(`${mesh.entry}/shop`)).status, 200);
  assert.ok((mesh.load?.sent ?? 0) > 0);
});

test('run on the mesh finds the planted weak spot (a catalog delay past frontend timeout cascades) and leaves no policy', async () => {
  const dir = recommenderStateDir();
  const space = writeSpace(
    dir,
    'weak-spot',
    `name: weak-spot
${CATALOG_DELAYS}
faults:
  delay: { min: 10ms, max: 3s, scale: log }
  abort: { statuses: [503] }
guards:
  maxErrorRate: 0.5
`,
  );
  const report = join(dir, 'report.json');
  const r = await runRecommender(mesh.controlPlane.url, dir, ['run', '-f', space, '--budget', '8', '--seed', '3', '--output', report]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /live on http:\/\/127\.0\.0\.1:\d+/);
  const findings = (
    JSON.parse(readFileSync(report, 'utf8')) as {
      findings: { severity: number; summary: string; policy: unknown; terms: { errorRate?: { value: number } } }[];
    }
  ).findings;
  const top = findings[0];
  assert.ok(top, r.output);
  // Past ~270 ms (less on a loaded machine, where the services' own time grows) both of frontend's attempts time out:
  // every request fails, p99 is two timeouts (severity 8.42, 10 when load pushes p99 over the 724 ms bucket bound).
  // An abort of every catalog request can tie with it (every request fails there too), so the planted spot is a
  // finding at the top severity, not necessarily the first one listed.
  const planted = findings.find(
    (f) => f.severity === top.severity && Number(/^demo\/catalog .* delay (\d+)ms/.exec(f.summary)?.[1]) >= 200,
  );
  assert.ok(planted, `a catalog delay near or past frontend's timeout is among the worst findings\n${r.output}`);
  assert.ok((planted.terms.errorRate?.value ?? 0) >= 0.9, `it cascades: (nearly) every request fails\n${r.output}`);
  assert.ok(planted.severity >= 6.5, `severity ${planted.severity}\n${r.output}`);
  assert.deepEqual(await sessionPolicies(sessionIdOf(r.output)), [], 'every trial policy deleted');
});

test('a trial whose stop condition trips is cut short there: scored over the window it ran, and the report says what held', async () => {
  const dir = recommenderStateDir();
  // Every catalog request aborted: frontend's errors pass 10% a few seconds into the 10 s trial, and the control
  // plane halts the trial policy by itself.
  const space = writeSpace(
    dir,
    'tripped',
    `name: tripped
${CATALOG_DELAYS.replace('trialLength: 6s', 'trialLength: 10s')}
faults:
  abort: { statuses: [503] }
percentage: { min: 100, max: 100 }
guards:
  stopWhen: [{ workload: { service: frontend, namespace: demo }, metric: errorRate, above: 0.1 }]
`,
  );
  // A stop condition judges the workload over its window, whatever caused the errors: the one here must trip on this
  // trial's fault, not on errors the previous test's trials left in frontend's last 10 s (then it halts the trial before
  // its fault made any, and the trial's window holds none).
  await waitFor(
    async () => {
      const frontend = (await client.workloads({ window: '10s', service: 'frontend', namespace: 'demo' })).items[0];
      return frontend !== undefined && frontend.requests > 0 && frontend.errorRatePercent < 1;
    },
    { timeoutMs: 30_000, what: "frontend's last 10 s free of the previous trials' errors" },
  );
  const report = join(dir, 'report.json');
  const r = await runRecommender(mesh.controlPlane.url, dir, ['run', '-f', space, '--budget', '1', '--output', report]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /^trial 1\/1 .*\(stopped by stopWhen\[0\]: demo\/frontend error rate [\d.]+% > 10% \(\d+ req\)\)$/m);
  assert.match(r.output, /^Trial 1 cut short: stopped by stopWhen\[0\]/m);
  const { session, trials } = JSON.parse(readFileSync(report, 'utf8')) as {
    session: { stoppedTrials: number[] };
    trials: {
      startedAt: string;
      finishedAt: string;
      outcomes: { window: { from: string; to: string } };
      score: { severity: number; terms: { errorRate: { value: number } } };
      stoppedBy?: { source: string; condition: { errorRateAbove: number }; observed: { errorRatePercent: number } };
    }[];
  };
  assert.deepEqual(session.stoppedTrials, [1]);
  const trial = trials[0]!;
  assert.equal(trial.stoppedBy?.source, 'stopWhen', r.output);
  assert.equal(trial.stoppedBy.condition.errorRateAbove, 10);
  assert.ok(trial.stoppedBy.observed.errorRatePercent > 10);
  // The planned window ends 9.5 s after the write; the trial ended sooner, scored over the window it ran.
  assert.ok(Date.parse(trial.finishedAt) - Date.parse(trial.startedAt) < 9_500, `${trial.startedAt} - ${trial.finishedAt}`);
  assert.ok(Date.parse(trial.outcomes.window.to) - Date.parse(trial.outcomes.window.from) >= 2_000, JSON.stringify(trial.outcomes));
  assert.ok(trial.score.terms.errorRate.value > 0, `the fault's errors are in the window: ${JSON.stringify(trial.score)}\n${r.output}`);
  assert.deepEqual(await sessionPolicies(sessionIdOf(r.output)), [], 'the halted policy deleted too');
});

test('a target no data plane serves is refused before any trial, naming the field; no policy written', async () => {
  const dir = recommenderStateDir();
  const space = writeSpace(
    dir,
    'no-payments',
    `name: no-payments
targets:
  - service: payments
    namespace: demo
faults:
  abort: { statuses: [503] }
objective:
  workload: { service: frontend, namespace: demo }
  errorRate: { weight: 1 }
trialLength: 6s
`,
  );
  const before = (await client.listPolicies()).length;
  const r = await runRecommender(mesh.controlPlane.url, dir, ['run', '-f', space]);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /no data plane of the control plane serves \(GET \/v1\/dataplanes\); no trial was run/);
  assert.match(r.output, /targets\[0\]: service demo\/payments does not exist \(known: .*demo\/catalog/);
  assert.equal((await client.listPolicies()).length, before);
});

test('an invalid space and a trial length too short for live outcomes are refused before any trial', async () => {
  const dir = recommenderStateDir();
  const invalid = writeSpace(
    dir,
    'invalid',
    `name: Not_A_Label\n${CATALOG_DELAYS}\nfaults: { delay: { min: 10ms, max: 3s } }\nbudget: 0\n`,
  );
  const bad = await runRecommender(mesh.controlPlane.url, dir, ['run', '-f', invalid]);
  assert.equal(bad.code, 1, bad.output);
  assert.match(bad.output, /invalid search space \(2 errors\); no trial was run/);
  assert.match(bad.output, /^ {2}name: /m);
  assert.match(bad.output, /^ {2}budget: /m);
  const short = writeSpace(
    dir,
    'short',
    `name: short\n${CATALOG_DELAYS.replace('trialLength: 6s', 'trialLength: 2s')}\nfaults: { delay: { min: 10ms, max: 3s } }\n`,
  );
  const tooShort = await runRecommender(mesh.controlPlane.url, dir, ['run', '-f', short]);
  assert.equal(tooShort.code, 1, tooShort.output);
  assert.match(tooShort.output, /cannot be run on the live mesh; no trial was run/);
  assert.match(tooShort.output, /trialLength: 2s is too short for live trials: at least 5s/);
  assert.deepEqual(await sessionPolicies('short'), []);
});

test('the control plane down mid-trial: a clear error, the fault ends with its trial, the session resumes with no policy left', async () => {
  const dir = recommenderStateDir();
  const space = writeSpace(dir, 'cp-down', `name: cp-down\n${CATALOG_DELAYS}\nfaults:\n  delay: { min: 1s, max: 2s }\nbudget: 2\n`);
  const proc = launchRecommender(mesh.controlPlane.url, dir, ['run', '-f', space]);
  const catalogSidecar = mesh.members.find((m) => m.service === 'catalog')!.sidecar.url;
  try {
    // Trial 1's policy is in force on catalog: a probe through its sidecar is delayed.
    await waitFor(async () => (await request(`${catalogSidecar}/catalog/probe`)).ms >= 900, { timeoutMs: 30_000, what: 'the trial delay' });
    const pausedAt = Date.now();
    mesh.controlPlane.child.kill('SIGSTOP'); // unreachable, its store intact: the recommender cannot delete
    try {
      // The data planes keep their last rule set, and the policy expires there by itself one trial length after it was written.
      await waitFor(async () => (await request(`${catalogSidecar}/catalog/probe`)).ms < 500, {
        timeoutMs: 20_000,
        what: 'the fault expired',
      });
      assert.ok(Date.now() - pausedAt < 6_000 + 2_000, 'within one trial length');
      const code = await proc.exited;
      const output = proc.output();
      assert.equal(code, 1, output);
      assert.match(output, /error: trial 1 \(cp-down-\w+-t1\) failed: .*cannot reach the control plane/);
      assert.match(output, /could not delete policy cp-down-\w+-t1 .*it expires by itself 6s after it was applied/);
      assert.match(output, /hfi-recommender resume cp-down-\w+/);
    } finally {
      mesh.controlPlane.child.kill('SIGCONT');
    }
  } finally {
    await proc.stop();
  }
  const id = sessionIdOf(proc.output());
  const saved = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as { state: string; trials: unknown[] };
  assert.equal(saved.state, 'failed');
  assert.equal(saved.trials.length, 0);
  // The delete the recommender sent before giving up may be served once the control plane runs again; if not, the
  // policy stays stored (expired: it injects nothing) until resume deletes it.
  const leftover = await sessionPolicies(id);
  assert.ok(leftover.length === 0 || (leftover.length === 1 && leftover[0] === `${id}-t1`), String(leftover));
  const resumed = await runRecommender(mesh.controlPlane.url, dir, ['resume', id]);
  assert.equal(resumed.code, 0, resumed.output);
  if (leftover.length > 0) assert.match(resumed.output, new RegExp(`deleted policies an earlier run of ${id} left behind: ${id}-t1`));
  assert.match(resumed.output, /completed \(budget of 2 trials used\)/);
  assert.deepEqual(await sessionPolicies(id), []);
});
