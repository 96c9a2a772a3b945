// The live executor against a scripted control plane (the client's fetch replaced) on a virtual clock: where the
// window falls, what a read becomes, what it refuses. The real control plane and mesh: e2e/test/recommender.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HfiClient } from '@hfi/client';
import { policyForCandidate } from '../src/encoding/policy.js';
import { encodeSpace } from '../src/encoding/space-encoding.js';
import { LiveExecutor } from '../src/live/executor.js';
import { HALT_REASON } from './support/halt.js';
import { meshSpaceWith } from './support/spaces.js';

const T0 = Date.UTC(2026, 11, 1, 12);
const PROPAGATION_MS = 700;

/** `haltedAtMs`: from then on the policy's status carries HALT_REASON (a stop condition tripped it). */
function scripted(
  figures: { requests: number; status: number[]; local: number[] },
  haltedAtMs = Number.POSITIVE_INFINITY,
  reason = HALT_REASON,
) {
  const clock = { ms: T0, now: () => clock.ms, sleep: async (ms: number) => void (clock.ms += ms) };
  const reads: { atMs: number; url: URL }[] = [];
  let statusReads = 0;
  const deleted: string[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const classes = ['2xx', '3xx', '4xx', '5xx', 'other'];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/v1/policies') return json(JSON.parse(String(init?.body)), 201);
    if (method === 'DELETE') {
      deleted.push(decodeURIComponent(url.pathname.split('/').at(-1)!));
      return json({});
    }
    if (url.pathname.startsWith('/v1/policies/')) {
      if (statusReads++ === 0) clock.ms += PROPAGATION_MS; // the data planes take this long to hold it
      const halted = clock.ms >= haltedAtMs ? { phase: 'Halted', haltReason: reason } : { phase: 'Active' };
      return json({ status: { appliedDataPlanes: 2, targetedDataPlanes: 2, ...halted } });
    }
    if (url.pathname === '/v1/workloads') {
      reads.push({ atMs: clock.ms, url });
      const entry = (counts: number[]) => Object.fromEntries(classes.map((c, i) => [c, counts[i] ?? 0]));
      const item = { service: 'frontend', namespace: 'demo', requests: figures.requests, p50Ms: 45.3, p99Ms: 724.1 };
      return json({ windowMs: 1000, items: [{ ...item, status: entry(figures.status), local: entry(figures.local) }] });
    }
    return json({ code: 'HFI_NOT_FOUND', message: url.pathname, details: [] }, 404);
  };
  const client = new HfiClient({ server: 'http://cp.test', fetch: fetch as typeof globalThis.fetch, now: clock.now });
  return { executor: new LiveExecutor(client, clock), clock, reads, deleted };
}

const { space } = meshSpaceWith({ trialLength: '6s' });
const policy = policyForCandidate(
  space,
  encodeSpace(space),
  { target: 'demo/catalog * /catalog*', kind: 'delay', delay_ms: 900, percentage: 100 },
  { sessionId: 's-1', trial: 1 },
);

test('the window starts one report interval after the policy is in force and ends 0.5 s before it can expire', async () => {
  const { executor, clock, reads, deleted } = scripted({ requests: 41, status: [30, 0, 0, 8, 1], local: [0, 0, 0, 2, 0] });
  await executor.apply(policy);
  const window = await executor.waitForWindow(policy, space.trialSeconds);
  // Written at T0, in force at T0 + 700 ms: (6000 - 500 - 700 - 2000) ms leaves 2 whole seconds, ending at T0 + 5.5 s.
  assert.deepEqual(window, { fromMs: T0 + 3500, toMs: T0 + 5500 });
  assert.equal(clock.now(), T0 + 5500, 'waits until the window ends');
  const outcomes = await executor.readOutcomes(space.objective.workload, window);
  assert.equal(reads[0]!.atMs, T0 + 5500);
  assert.equal(reads[0]!.url.search, '?window=2s&service=frontend&namespace=demo');
  assert.deepEqual(outcomes.statuses, { '2xx': 30, '5xx': 10, '0': 1 }, "HFI's own replies counted with upstream's; other as no response");
  assert.deepEqual(outcomes.latencyMs, { p50: 45.3, p99: 724.1 });
  assert.equal(outcomes.requests, 41);
  await executor.delete(policy.metadata.name);
  assert.deepEqual(deleted, [policy.metadata.name]);
});

test('a stop condition halting the trial ends its window when the halt is seen, and the window says which condition held', async () => {
  const { executor, clock, reads } = scripted({ requests: 41, status: [20, 0, 0, 21, 0], local: [] }, T0 + 4500);
  await executor.apply(policy);
  const window = await executor.waitForWindow(policy, space.trialSeconds);
  // In force at T0 + 700 ms; the status is read every 500 ms and first shows the halt at T0 + 4.7 s: the window it
  // ran ends then, not at the planned 5.5 s, and is 3 s long (a report interval and the partial second a read counts),
  // reaching back 1 s before the clean start one report interval after the policy was in force.
  assert.deepEqual(window, { fromMs: T0 + 1700, toMs: T0 + 4700, stoppedBy: HALT_REASON });
  assert.equal(clock.now(), T0 + 4700, 'does not wait for the planned end');
  await executor.readOutcomes(space.objective.workload, window);
  assert.equal(reads[0]!.url.searchParams.get('window'), '3s');
});

test('a halt seen within one report interval of the policy in force is read over the shortest window, from when it came in force', async () => {
  const { executor, clock } = scripted({ requests: 41, status: [41], local: [] }, T0 + 1500);
  await executor.apply(policy);
  const window = await executor.waitForWindow(policy, space.trialSeconds);
  assert.deepEqual(window, { fromMs: T0 + 700, toMs: T0 + 3700, stoppedBy: HALT_REASON });
  assert.equal(clock.now(), T0 + 3700, 'waits until every data plane has reported within a window a read counts');
});

test('a halt found early but seen late reaches back to the second before it was found, not to before the policy was in force', async () => {
  // Found at T0 + 1 s (the first reports tripped it), first seen in the status at T0 + 4.7 s.
  const reason = { ...HALT_REASON, at: new Date(T0 + 1000).toISOString() };
  const { executor } = scripted({ requests: 41, status: [41], local: [] }, T0 + 4500, reason);
  await executor.apply(policy);
  const window = await executor.waitForWindow(policy, space.trialSeconds);
  assert.deepEqual(window, { fromMs: T0 + 700, toMs: T0 + 4700, stoppedBy: reason });
});

test('a read with too few requests is refused, not scored as harmless', async () => {
  const { executor } = scripted({ requests: 3, status: [3], local: [] });
  await assert.rejects(
    executor.readOutcomes(space.objective.workload, { fromMs: T0, toMs: T0 + 2000 }),
    /^Error: demo\/frontend had 3 requests in the 2s window; at least 10 are needed to score it/,
  );
});

test('a space the live figures cannot score is named field by field', () => {
  const { executor } = scripted({ requests: 0, status: [], local: [] });
  const { space: unscorable } = meshSpaceWith({
    trialLength: '3s',
    objective: {
      workload: { service: 'frontend', namespace: 'demo' },
      errorRate: { weight: 1, count: ['5xx', 429] },
      latency: { weight: 1, quantile: 'p90', slo: '300ms' },
    },
  });
  const problems = executor.checkSpace(unscorable);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0]!, /trialLength: 3s is too short for live trials: at least 5s/);
  assert.match(problems[1]!, /objective\.errorRate\.count\[1\]: "429": live outcomes count status classes/);
  assert.match(problems[2]!, /objective\.latency\.quantile: p90: live outcomes have p50 and p99 only/);
  assert.deepEqual(executor.checkSpace(space), []);
});
