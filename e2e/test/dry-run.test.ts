// Dry runs end to end, through the real hfi-proxy running the real plugin: a dry-run policy injects nothing a
// client can see (no abort, no x-hfi-fault, no delay beyond noise), and status.wouldInject counts what it would
// have faulted, within a binomial interval; a halt stops its counting like any fault.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPolicy, type RunningControlPlane, request, startControlPlane, startHfiProxy, waitFor } from '@hfi/testkit';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const { own, upstream } = teardownAfterAll();

/** A control plane and one single-worker hfi-proxy whose polls are held 1 s, so counters arrive within about a second. */
async function system() {
  const up = await upstream();
  const cp = own(await startControlPlane({ env: { LOG_LEVEL: 'warn' } }));
  const proxy = own(
    await startHfiProxy({
      upstream: up.url,
      controlPlane: cp.url,
      service: 'frontend',
      args: ['--workers', '1', '--plugin-config', JSON.stringify({ poll_hold_sec: 1 })],
    }),
  );
  // A real policy beside the dry run: its marker answer says the set reached the proxy.
  await applyPolicy(
    cp.url,
    policy('marker', 'frontend', [{ match: { path: { exact: '/ready' } }, fault: { abort: { httpStatus: 209 } } }]),
  );
  return { cp, proxy };
}

const dryRun = (name: string, rules: unknown[]) => ({
  ...policy(name, 'frontend', rules),
  spec: { ...policy(name, 'frontend', rules).spec, dryRun: true },
});

interface PolicyStatus {
  phase: string;
  appliedDataPlanes: number;
  faults: { aborts: number; delays: number };
  wouldInject: number;
  ruleWouldInject: number[];
}

/** The proxy holds the policy's latest write. */
const applied = (cp: RunningControlPlane, name: string) =>
  waitFor(async () => (await statusOf(cp, name)).appliedDataPlanes === 1, { what: `${name} on the proxy` });

async function statusOf(cp: RunningControlPlane, name: string): Promise<PolicyStatus> {
  const r = await fetch(`${cp.url}/v1/policies/${name}`);
  return ((await r.json()) as { status: PolicyStatus }).status;
}

test('a dry run at 30% injects nothing a client sees, and status.wouldInject counts within a binomial interval', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    dryRun('rehearsal', [
      { match: { path: { prefix: '/a' } }, fault: { percentage: 30, abort: { httpStatus: 503 } } },
      { match: { path: { prefix: '/d' } }, fault: { percentage: 30, delay: { fixedDelay: '3s' } } },
    ]),
  );
  await applied(cp, 'rehearsal');
  const N = 300;
  const answers = [];
  for (let i = 0; i < N; i++) answers.push(await request(`${proxy.url}/${i % 2 === 0 ? 'a' : 'd'}/${i}`));
  const touched = answers.filter((r) => r.status !== 200 || r.headers['x-hfi-fault'] !== undefined);
  assert.deepEqual(touched, [], 'no request was aborted or tagged');
  const slowest = Math.max(...answers.map((r) => r.ms));
  assert.ok(slowest < 1_500, `no request waited for the 3 s delay (slowest ${Math.round(slowest)} ms)`);
  // 30% of 300: mean 90, sd 7.9; five sd either side.
  let status = await statusOf(cp, 'rehearsal');
  await waitFor(
    async () => {
      const before = status.wouldInject;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      status = await statusOf(cp, 'rehearsal');
      return status.wouldInject > 0 && status.wouldInject === before;
    },
    { what: () => `the counts to settle (${status.wouldInject})`, timeoutMs: 20_000 },
  );
  assert.ok(status.wouldInject >= 50 && status.wouldInject <= 130, `wouldInject ${status.wouldInject} within [50, 130]`);
  assert.equal(status.ruleWouldInject.length, 2);
  assert.equal(status.ruleWouldInject[0]! + status.ruleWouldInject[1]!, status.wouldInject);
  assert.ok(
    status.ruleWouldInject.every((n) => n > 0),
    `both rules counted: ${status.ruleWouldInject}`,
  );
  assert.deepEqual(status.faults, { aborts: 0, delays: 0 }, 'nothing injected');
});

test('a halted dry run stops counting; the requests still pass untouched', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(cp.url, dryRun('halted-rehearsal', [{ match: { path: { prefix: '/h' } }, fault: { abort: { httpStatus: 503 } } }]));
  await applied(cp, 'halted-rehearsal');
  for (let i = 0; i < 5; i++) assert.equal((await request(`${proxy.url}/h/${i}`)).status, 200);
  await waitFor(async () => (await statusOf(cp, 'halted-rehearsal')).wouldInject === 5, { what: 'the 5 counted', timeoutMs: 20_000 });
  const r = await fetch(`${cp.url}/v1/halt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"e2e"}' });
  await r.body?.cancel();
  const { version } = (await (await fetch(`${cp.url}/v1/ruleset`)).json()) as { version: number };
  await waitFor(
    async () => {
      const { items } = (await (await fetch(`${cp.url}/v1/dataplanes`)).json()) as { items: { version: number }[] };
      return items.length > 0 && items.every((plane) => plane.version >= version);
    },
    { what: 'the halted set on the proxy' },
  );
  for (let i = 0; i < 5; i++) assert.equal((await request(`${proxy.url}/h/more-${i}`)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // two held polls: what was counted has arrived
  assert.equal((await statusOf(cp, 'halted-rehearsal')).wouldInject, 5, 'nothing counted after the halt');
});
