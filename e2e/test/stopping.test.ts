// End to end: telemetry never cuts a data plane off, updates are polled for at once, and a control plane
// that forgot everything (memory store restarted) ends the experiments visibly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPolicy, request, scrapeMetric, startControlPlane, startHfiProxy, waitFor } from '@hfi/testkit';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const { own, upstream } = teardownAfterAll();

/** Runs `work` over `items`, `width` at a time (writes through the API without 1,000 sequential round trips). */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** More than the 1,000 rule counters a poll could carry before: one worker VM counts a fault for each. */
const RULES = 1_200;

test(`${RULES} distinct rules counted on one worker, then every policy deleted: no fault afterwards`, async () => {
  const up = await upstream();
  const cp = own(await startControlPlane({ env: { LOG_LEVEL: 'warn' } }));
  const proxy = own(await startHfiProxy({ upstream: up.url, controlPlane: cp.url, service: 'frontend', args: ['--workers', '1'] }));
  const names = Array.from({ length: RULES }, (_, i) => `r${i}`);
  await inParallel(names, 8, (name) =>
    applyPolicy(
      cp.url,
      policy(name, 'frontend', [{ match: { path: { exact: `/${name}` } }, fault: { percentage: 100, abort: { httpStatus: 503 } } }]),
    ),
  );
  await waitFor(async () => (await request(`${proxy.url}/r${RULES - 1}`)).status === 503, {
    timeoutMs: 30_000,
    what: 'every rule on the proxy',
  });
  for (const name of names) assert.equal((await request(`${proxy.url}/${name}`)).status, 503, name);

  // Any write answers the held poll; the next poll carries a counter report of at most 1,000 rules (the
  // contract's API_LIMITS.countedRulesPerPoll), so a second write brings the rest.
  const counted = async () => {
    const body = (await (await fetch(`${cp.url}/v1/policies/status`)).json()) as {
      items: { name: string; faults: { aborts: number } }[];
    };
    return body.items.filter((i) => names.includes(i.name) && i.faults.aborts >= 1).length;
  };
  await applyPolicy(cp.url, policy('flush', 'nobody', [{ fault: { percentage: 100, abort: { httpStatus: 500 } } }]));
  await waitFor(async () => (await counted()) > 0, { timeoutMs: 15_000, what: 'the first counter report' });
  await applyPolicy(cp.url, policy('flush-again', 'nobody', [{ fault: { percentage: 100, abort: { httpStatus: 500 } } }]));
  await waitFor(async () => (await counted()) === RULES, { timeoutMs: 15_000, what: 'every fault counted by the control plane' });

  await inParallel(names, 8, async (name) => {
    const r = await fetch(`${cp.url}/v1/policies/${name}`, { method: 'DELETE' });
    await r.body?.cancel();
    assert.equal(r.status, 200);
  });
  const deletedAt = Date.now();
  await waitFor(async () => (await request(`${proxy.url}/r${RULES - 1}`)).status === 200, {
    timeoutMs: 10_000,
    what: 'the deletes on the proxy',
  });
  const samples = names.filter((_, i) => i % 40 === 0);
  for (const name of samples) assert.equal((await request(`${proxy.url}/${name}`)).status, 200, `${name} is deleted`);
  assert.ok(Date.now() - deletedAt < 10_000);
  assert.equal(
    await scrapeMetric(`${cp.url}/v1/metrics`, 'hfi_control_plane_dataplane_counters_dropped_total'),
    Number.NaN,
    'nothing dropped',
  );
});

test('back-to-back writes through hfi-proxy: each is in effect well within the 1 s poll spacing', async () => {
  const up = await upstream();
  const cp = own(await startControlPlane({ env: { LOG_LEVEL: 'warn' } }));
  const proxy = own(await startHfiProxy({ upstream: up.url, controlPlane: cp.url, service: 'frontend', args: ['--workers', '1'] }));
  const write = (status: number) =>
    applyPolicy(
      cp.url,
      policy('b2b', 'frontend', [{ match: { path: { prefix: '/b2b' } }, fault: { percentage: 100, abort: { httpStatus: status } } }]),
    );
  await write(500);
  await waitFor(async () => (await request(`${proxy.url}/b2b`)).status === 500, { timeoutMs: 10_000, what: 'the first write' });
  const took: number[] = [];
  // Each write right after the previous one is in effect: the case the poll spacing used to delay by up to 1 s.
  for (const status of [501, 502, 503, 504, 505, 506]) {
    const written = Date.now();
    await write(status);
    await waitFor(async () => (await request(`${proxy.url}/b2b`)).status === status, {
      timeoutMs: 5_000,
      intervalMs: 2,
      what: `status ${status}`,
    });
    took.push(Date.now() - written);
  }
  assert.ok(
    took.every((ms) => ms < 500),
    `from each write to its effect: ${took.join(', ')} ms`,
  );
});

test('a restarted memory store is a new epoch: the proxy drops its rules, says so at warn and counts it', async () => {
  const up = await upstream();
  const cp = own(await startControlPlane());
  const proxy = own(await startHfiProxy({ upstream: up.url, controlPlane: cp.url, service: 'frontend' }));
  await applyPolicy(cp.url, policy('forgotten', 'frontend', [{ fault: { percentage: 100, abort: { httpStatus: 503 } } }]));
  await waitFor(async () => (await request(`${proxy.url}/x`)).status === 503, { timeoutMs: 10_000, what: 'the abort' });
  const epoch = ((await (await fetch(`${cp.url}/v1/ruleset`)).json()) as { epoch: string }).epoch;
  await cp.kill();
  const restarted = own(await startControlPlane({ port: cp.port }));
  const newEpoch = ((await (await fetch(`${restarted.url}/v1/ruleset`)).json()) as { epoch: string }).epoch;
  await waitFor(async () => (await scrapeMetric(`${proxy.admin}/stats/prometheus`, 'wasmcustom_hfi_epoch_changes_total')) === 2, {
    timeoutMs: 20_000,
    what: 'both worker VMs to take the new epoch',
  });
  for (let i = 0; i < 10; i++) assert.equal((await request(`${proxy.url}/x`)).status, 200, 'the old rules are gone');
  const warning = `control plane epoch changed from ${epoch} to ${newEpoch}: its store was reset; dropping 1 rules`;
  assert.equal(proxy.output().split(warning).length - 1, 2, `one warning per worker VM:\n${proxy.output()}`);
  assert.match(proxy.output(), /\[warn\] wasm log hfi-fault-filter \[worker 0\]: hfi: control plane epoch changed/);
});
