// End to end, one section per fault kind of issue 14: what a client sees through the real hfi-proxy running the
// real plugin, and that each kind stops when told: the policy deleted, a halt, its expiry, the lease. Schedules too.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyPolicy,
  type RunningControlPlane,
  type RunningHfiProxy,
  type RunningUpstream,
  request,
  scrapeMetric,
  startControlPlane,
  startHfiProxy,
  waitFor,
} from '@hfi/testkit';
import { policy } from './support/policies.js';
import { teardownAfterAll } from './support/teardown.js';

const { own, upstream } = teardownAfterAll();

const LEASE_SEC = 2;

interface System {
  cp: RunningControlPlane;
  proxy: RunningHfiProxy;
  up: RunningUpstream;
}

/** A control plane and one single-worker hfi-proxy (so per-worker counts are the proxy's), with a lease when asked. */
async function system(options: { lease?: boolean } = {}): Promise<System> {
  const up = await upstream();
  const cp = own(await startControlPlane({ env: { LOG_LEVEL: 'warn' } }));
  const config = options.lease ? { fault_lease_sec: LEASE_SEC, retry_interval_sec: 0.5 } : {};
  const proxy = own(
    await startHfiProxy({
      upstream: up.url,
      controlPlane: cp.url,
      service: 'frontend',
      args: ['--workers', '1', '--plugin-config', JSON.stringify(config)],
    }),
  );
  return { cp, proxy, up };
}

const metric = (proxy: RunningHfiProxy, name: string) => scrapeMetric(`${proxy.admin}/stats/prometheus`, name);

async function halt(cp: RunningControlPlane): Promise<void> {
  const r = await fetch(`${cp.url}/v1/halt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"e2e"}' });
  await r.body?.cancel();
  assert.equal(r.status < 300, true, `halt answered ${r.status}`);
}

async function remove(cp: RunningControlPlane, name: string): Promise<void> {
  const r = await fetch(`${cp.url}/v1/policies/${name}`, { method: 'DELETE' });
  await r.body?.cancel();
  assert.equal(r.status, 200);
}

type StopHow = 'delete' | 'halt' | 'expiry' | 'lease';

/** A policy with more fields in its spec (requestOverrides). */
function withSpec<P extends { spec: object }>(p: P, spec: Record<string, unknown>): P {
  return { ...p, spec: { ...p.spec, ...spec } };
}

/**
 * A held request (a delay of some kind, on either phase) is released by `how` within a few seconds and goes on
 * without its fault; afterwards the kind no longer applies. `rule` is the kind's rule for paths under `prefix`.
 */
async function heldRequestStops(
  how: StopHow,
  name: string,
  rule: (prefix: string) => unknown,
  headers: Record<string, string> = {},
  spec: Record<string, unknown> = {},
): Promise<void> {
  const { cp, proxy } = await system({ lease: how === 'lease' });
  const prefix = `/${name}`;
  const expiry = how === 'expiry' ? { duration_seconds: 3 } : {};
  const withExpiry = (r: unknown) => ({ ...(r as object), fault: { ...(r as { fault: object }).fault, ...expiry } });
  // A marker rule first: its answer (209) says the policy reached the proxy.
  const marker = { match: { path: { exact: `${prefix}/ready` } }, fault: { abort: { httpStatus: 209 }, ...expiry } };
  await applyPolicy(cp.url, withSpec(policy(name, 'frontend', [marker, withExpiry(rule(prefix))]), spec));
  const appliedAt = Date.now();
  await waitFor(async () => (await request(`${proxy.url}${prefix}/ready`)).status === 209, { what: `${name} on the proxy` });
  const counted = async () => (await metric(proxy, 'wasmcustom_hfi_faults_delays_total')) || 0;
  const before = await counted();
  const held = request(`${proxy.url}${prefix}/x`, { headers });
  held.catch(() => {}); // an expiry leaves it waiting until the proxy stops
  await waitFor(async () => (await counted()) > before, { timeoutMs: 10_000, what: `the ${name} request to be held` });
  const stoppedAt = Date.now();
  if (how === 'expiry') {
    // A request held when its rule expires keeps its deadline (docs/plugin.md); requests after it are not faulted.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, appliedAt + 3_500 - Date.now())));
    const next = await request(`${proxy.url}${prefix}/next`);
    assert.equal(next.headers['x-hfi-fault'], undefined, `${name}/expiry: the kind no longer applies`);
    assert.ok(next.ms < 2_000, `${name}/expiry: not held (${Math.round(next.ms)} ms)`);
    return;
  }
  if (how === 'delete') await remove(cp, name);
  else if (how === 'halt') await halt(cp);
  else await cp.kill();
  const released = await held;
  assert.equal(released.status, 200, `${name}/${how}: the held request went on`);
  assert.equal(released.headers['x-hfi-fault'], undefined, `${name}/${how}: released without its fault`);
  const after = Date.now() - stoppedAt;
  assert.ok(after < 8_000, `${name}/${how}: released ${after} ms after being stopped`);
  const next = await request(`${proxy.url}${prefix}/next`);
  assert.equal(next.headers['x-hfi-fault'], undefined, `${name}/${how}: the kind no longer applies`);
  assert.ok(next.ms < 2_000, `${name}/${how}: not held (${Math.round(next.ms)} ms)`);
}

// ---- 1. jitter and distributions ---------------------------------------------------------------------

test('jitter: each request waits a fresh uniform draw within fixed ± jitter', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    policy('jitter', 'frontend', [{ match: { path: { prefix: '/j' } }, fault: { delay: { fixedDelay: '150ms', jitter: '100ms' } } }]),
  );
  await waitFor(async () => (await request(`${proxy.url}/j`)).headers['x-hfi-fault'] === 'jitter/0', { what: 'the jitter rule' });
  const waits: number[] = [];
  for (let i = 0; i < 12; i++) {
    const r = await request(`${proxy.url}/j/${i}`);
    waits.push(r.ms);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-hfi-fault'], 'jitter/0');
  }
  // 50..250 ms drawn; generous bounds above for a loaded machine, none below (a delay is never cut short).
  assert.ok(
    waits.every((w) => w >= 49 && w < 1_000),
    `waits ${waits.map(Math.round).join(', ')} ms`,
  );
  assert.ok(Math.max(...waits) - Math.min(...waits) > 30, `the draws differ: ${waits.map(Math.round).join(', ')} ms`);
});

test('log-normal delay: the median near p50, a tail towards p99', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    policy('tail', 'frontend', [{ match: { path: { prefix: '/t' } }, fault: { delay: { p50: '20ms', p99: '200ms' } } }]),
  );
  await waitFor(async () => (await request(`${proxy.url}/t`)).headers['x-hfi-fault'] === 'tail/0', { what: 'the log-normal rule' });
  const waits = await Promise.all(Array.from({ length: 40 }, async (_, i) => (await request(`${proxy.url}/t/${i}`)).ms));
  waits.sort((a, b) => a - b);
  const median = waits[20]!;
  // Generous above for a loaded machine (40 requests at once share its cores); the table's draws are in the plugin tests.
  assert.ok(median >= 5 && median < 600, `median ${Math.round(median)} ms (p50 20 ms)`);
  assert.ok(waits[38]! - waits[5]! > 30, `a spread towards the tail: ${waits.map(Math.round).join(', ')} ms`);
  assert.ok(waits[0]! >= 1, 'every request waited');
});

for (const how of ['delete', 'halt', 'expiry', 'lease'] as const) {
  test(`jitter stops when told: ${how}`, () =>
    heldRequestStops(how, `jitter-${how}`, (prefix) => ({
      match: { path: { prefix } },
      fault: { delay: { fixedDelay: '60s', jitter: '1s' } },
    })));
}

// ---- 4. counted faults -----------------------------------------------------------------------------

test('firstRequests: the first 3 requests fail, then the service recovers (a retry test)', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    policy('first-three', 'frontend', [
      { match: { path: { prefix: '/f' } }, fault: { abort: { httpStatus: 503 }, limit: { firstRequests: 3 } } },
    ]),
  );
  // The policy reaches the proxy with its first fault: that one is the first of the three.
  await waitFor(async () => (await request(`${proxy.url}/f/0`)).status === 503, { what: 'the counted rule' });
  const statuses: number[] = [];
  for (let i = 1; i < 6; i++) statuses.push((await request(`${proxy.url}/f/${i}`)).status);
  assert.deepEqual(statuses, [503, 503, 200, 200, 200]);
});

test('maxActive: one request held at a time; the others pass and are counted', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    policy('one-at-a-time', 'frontend', [
      { match: { path: { exact: '/m/ready' } }, fault: { abort: { httpStatus: 209 } } },
      { match: { path: { prefix: '/m/' } }, fault: { delay: { fixedDelay: '1500ms' }, maxActive: 1 } },
    ]),
  );
  await waitFor(async () => (await request(`${proxy.url}/m/ready`)).status === 209, { what: 'the policy on the proxy' });
  const held = request(`${proxy.url}/m/held`);
  await waitFor(async () => ((await metric(proxy, 'wasmcustom_hfi_faults_delays_total')) || 0) > 0, { what: 'the first request held' });
  const others = await Promise.all([1, 2, 3].map((i) => request(`${proxy.url}/m/${i}`)));
  assert.ok(
    others.every((r) => r.status === 200 && r.headers['x-hfi-fault'] === undefined && r.ms < 1_000),
    `the others passed at once: ${others.map((r) => `${r.status}/${Math.round(r.ms)}ms`).join(', ')}`,
  );
  assert.equal(await metric(proxy, 'wasmcustom_hfi_faults_over_max_active_total'), 3);
  const first = await held;
  assert.equal(first.headers['x-hfi-fault'], 'one-at-a-time/1');
  assert.ok(first.ms >= 1_400, `held ${Math.round(first.ms)} ms`);
});

for (const how of ['delete', 'halt', 'expiry', 'lease'] as const) {
  test(`counted faults stop when told: ${how}`, () =>
    heldRequestStops(how, `counted-${how}`, (prefix) => ({
      match: { path: { prefix } },
      fault: { delay: { fixedDelay: '60s' }, maxActive: 2, limit: { firstRequests: 5, perSecond: 10 } },
    })));
}

// ---- 3. reset ----------------------------------------------------------------------------------------

/** What a client sees of a reset: the request fails without any response (Node: "socket hang up"). */
async function resetSeen(url: string): Promise<{ code: string | undefined; ms: number }> {
  const started = Date.now();
  try {
    const r = await request(url);
    assert.fail(`expected a reset, got HTTP ${r.status}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return { code: (error as NodeJS.ErrnoException).code, ms: Date.now() - started };
  }
}

test('reset: the client gets no response, the connection closes (at once, or after the delay)', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    policy('resets', 'frontend', [
      { match: { path: { exact: '/r/ready' } }, fault: { abort: { httpStatus: 209 } } },
      { match: { path: { exact: '/r/now' } }, fault: { reset: {} } },
      { match: { path: { exact: '/r/slow' } }, fault: { delay: { fixedDelay: '300ms' }, reset: {} } },
    ]),
  );
  await waitFor(async () => (await request(`${proxy.url}/r/ready`)).status === 209, { what: 'the policy on the proxy' });
  const now = await resetSeen(`${proxy.url}/r/now`);
  assert.equal(now.code, 'ECONNRESET', 'Node reports a connection closed before any response byte as ECONNRESET (socket hang up)');
  const slow = await resetSeen(`${proxy.url}/r/slow`);
  assert.equal(slow.code, 'ECONNRESET');
  assert.ok(slow.ms >= 290, `reset after the delay (${slow.ms} ms)`);
  assert.equal(await metric(proxy, 'wasmcustom_hfi_faults_resets_total'), 2);
  assert.equal((await request(`${proxy.url}/r/other`)).status, 200, 'the proxy serves on after resets');
});

for (const how of ['delete', 'halt', 'expiry', 'lease'] as const) {
  test(`a delayed reset stops when told: ${how}`, () =>
    heldRequestStops(how, `reset-${how}`, (prefix) => ({
      match: { path: { prefix } },
      fault: { delay: { fixedDelay: '60s' }, reset: {} },
    })));
}

// ---- 2. response phase -------------------------------------------------------------------------------

test('response phase: the upstream does the work, the caller gets the abort instead of its answer', async () => {
  const { cp, proxy, up } = await system();
  await applyPolicy(
    cp.url,
    policy('orders-lost', 'frontend', [
      { match: { path: { exact: '/o/ready' } }, fault: { abort: { httpStatus: 209 } } },
      {
        match: { path: { prefix: '/o/' }, method: { exact: 'POST' } },
        fault: {
          phase: 'response',
          abort: { httpStatus: 503, body: 'injected after the upstream answered', headers: { 'retry-after': '1' } },
        },
      },
    ]),
  );
  await waitFor(async () => (await request(`${proxy.url}/o/ready`)).status === 209, { what: 'the policy on the proxy' });
  const r = await request(`${proxy.url}/o/1`, { method: 'POST', body: '{"item":1}', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 503);
  assert.equal(r.body, 'injected after the upstream answered');
  assert.equal(r.headers['retry-after'], '1');
  assert.equal(r.headers['x-hfi-fault'], 'orders-lost/1');
  assert.ok(up.received.includes('/o/1'), 'the upstream received the request (and answered it)');
  assert.equal((await request(`${proxy.url}/o/2`)).status, 200, 'a GET does not match');
});

test('response phase: a delay holds the answer; responseStatus narrows the rule to some statuses', async () => {
  const { cp, proxy, up } = await system();
  await applyPolicy(
    cp.url,
    policy('slow-errors', 'frontend', [
      { match: { path: { exact: '/s/ready' } }, fault: { abort: { httpStatus: 209 } } },
      { match: { path: { prefix: '/s/' }, responseStatus: '5xx' }, fault: { phase: 'response', delay: { fixedDelay: '400ms' } } },
    ]),
  );
  await waitFor(async () => (await request(`${proxy.url}/s/ready`)).status === 209, { what: 'the policy on the proxy' });
  const failing = await request(`${proxy.url}/s/1`, { headers: { 'x-upstream-status': '503' } });
  assert.equal(failing.status, 503, "the upstream's own answer, late");
  assert.equal(failing.headers['x-hfi-fault'], 'slow-errors/1');
  assert.ok(failing.ms >= 390, `held ${Math.round(failing.ms)} ms`);
  assert.ok(up.received.includes('/s/1'));
  const fine = await request(`${proxy.url}/s/2`);
  assert.equal(fine.status, 200);
  assert.equal(fine.headers['x-hfi-fault'], undefined, 'a 200 is out of 5xx: not held');
  assert.ok(fine.ms < 300, `${Math.round(fine.ms)} ms`);
});

for (const how of ['delete', 'halt', 'expiry', 'lease'] as const) {
  test(`a held response is released when told: ${how}`, () =>
    heldRequestStops(how, `response-${how}`, (prefix) => ({
      match: { path: { prefix } },
      fault: { phase: 'response', delay: { fixedDelay: '60s' } },
    })));
}

// ---- 7. gRPC callers -------------------------------------------------------------------------------

test('gRPC: an abort of a gRPC request is a trailers-only answer (HTTP 200, grpc-status, grpc-message), in both phases', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    policy('grpc-faults', 'frontend', [
      { match: { path: { exact: '/g/ready' } }, fault: { abort: { httpStatus: 209 } } },
      {
        match: { path: { prefix: '/g.Svc/Request' } },
        fault: { abort: { httpStatus: 503, grpcStatus: 14, body: 'unavailable: injected' } },
      },
      { match: { path: { prefix: '/g.Svc/Response' } }, fault: { phase: 'response', abort: { httpStatus: 500 } } },
    ]),
  );
  await waitFor(async () => (await request(`${proxy.url}/g/ready`)).status === 209, { what: 'the policy on the proxy' });
  const grpc = { method: 'POST', headers: { 'content-type': 'application/grpc', te: 'trailers' }, body: '' };
  const onRequest = await request(`${proxy.url}/g.Svc/Request`, grpc);
  assert.equal(onRequest.status, 200);
  assert.equal(onRequest.headers['content-type'], 'application/grpc');
  assert.equal(onRequest.headers['grpc-status'], '14');
  assert.equal(onRequest.headers['grpc-message'], 'unavailable: injected');
  assert.equal(onRequest.headers['x-hfi-fault'], 'grpc-faults/1');
  assert.equal(onRequest.body, '');
  const onResponse = await request(`${proxy.url}/g.Svc/Response`, grpc);
  assert.equal(onResponse.status, 200);
  assert.equal(onResponse.headers['grpc-status'], '2', 'no grpcStatus: HTTP 500 maps to UNKNOWN, as Envoy maps it');
  assert.equal(onResponse.body, '');
  const http = await request(`${proxy.url}/g.Svc/Request`);
  assert.equal(http.status, 503, 'the same rule answers a plain HTTP caller with its HTTP status');
  assert.equal(http.headers['grpc-status'], undefined);
});

// ---- 5. request overrides ----------------------------------------------------------------------------

test('request overrides: the test client chooses its fault within the bounds; the headers never reach the upstream', async () => {
  const { cp, proxy, up } = await system();
  await applyPolicy(
    cp.url,
    withSpec(
      policy('chosen', 'frontend', [
        { match: { path: { exact: '/c/ready' } }, fault: { abort: { httpStatus: 209 } } },
        { match: { path: { prefix: '/c/' } }, fault: { delay_ms: 1 } },
      ]),
      { requestOverrides: { maxDelay: '2s', abortStatuses: [503] } },
    ),
  );
  await waitFor(async () => (await request(`${proxy.url}/c/ready`)).status === 209, { what: 'the policy on the proxy' });
  const aborted = await request(`${proxy.url}/c/1`, { headers: { 'x-hfi-fault-abort-status': '503' } });
  assert.equal(aborted.status, 503);
  assert.equal(aborted.headers['x-hfi-fault'], 'chosen/1');
  const slow = await request(`${proxy.url}/c/2`, { headers: { 'x-hfi-fault-delay-ms': '300' } });
  assert.equal(slow.status, 200);
  assert.ok(slow.ms >= 290, `chose 300 ms, waited ${Math.round(slow.ms)} ms`);
  const at = up.received.indexOf('/c/2');
  assert.ok(at >= 0);
  assert.equal(up.receivedHeaders[at]?.['x-hfi-fault-delay-ms'], undefined, 'stripped before the upstream');
  const outside = await request(`${proxy.url}/c/3`, { headers: { 'x-hfi-fault-abort-status': '500', 'x-hfi-fault-delay-ms': '9000' } });
  assert.equal(outside.status, 200, 'outside the bounds: ignored, the rule as written');
  assert.ok(outside.ms < 1_500);
  assert.equal(await metric(proxy, 'wasmcustom_hfi_overrides_ignored_total'), 2);
});

for (const how of ['delete', 'halt', 'expiry', 'lease'] as const) {
  test(`a chosen delay stops when told: ${how}`, () =>
    heldRequestStops(
      how,
      `chosen-${how}`,
      (prefix) => ({ match: { path: { prefix } }, fault: { delay_ms: 1 } }),
      { 'x-hfi-fault-delay-ms': '60000' },
      { requestOverrides: { maxDelay: '60s' } },
    ));
}

// ---- 6. schedules ------------------------------------------------------------------------------------

/**
 * A daily schedule whose window started at the current UTC minute and lasts `forMs` from now (so it is open
 * now, deterministically), or, with `inMinutes`, one that opens that many minutes from now (closed now).
 */
function dailyAt(options: { forMs?: number; inMinutes?: number }): Record<string, unknown> {
  const now = new Date();
  const minuteStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes());
  const start = new Date(minuteStart + (options.inMinutes ?? 0) * 60_000);
  const activeForMs = options.inMinutes !== undefined ? 60_000 : now.getTime() - minuteStart + (options.forMs ?? 0);
  return { cron: `${start.getUTCMinutes()} ${start.getUTCHours()} * * *`, activeForMs, timezone: 'UTC' };
}

test('schedule: a policy in its window injects, one between windows passes; the window closes on the data plane alone', async () => {
  const { cp, proxy } = await system();
  await applyPolicy(
    cp.url,
    withSpec(
      policy('open-now', 'frontend', [
        { match: { path: { exact: '/s/ready' } }, fault: { abort: { httpStatus: 209 } } },
        { match: { path: { prefix: '/s/open' } }, fault: { abort: { httpStatus: 503 } } },
      ]),
      { schedule: dailyAt({ forMs: 15_000 }) },
    ),
  );
  await applyPolicy(
    cp.url,
    withSpec(policy('closed-now', 'frontend', [{ match: { path: { prefix: '/s/closed' } }, fault: { abort: { httpStatus: 503 } } }]), {
      schedule: dailyAt({ inMinutes: 30 }),
    }),
  );
  await waitFor(async () => (await request(`${proxy.url}/s/ready`)).status === 209, { what: 'the policies on the proxy' });
  const open = await request(`${proxy.url}/s/open/1`);
  assert.equal(open.status, 503, 'in its window');
  assert.equal(open.headers['x-hfi-fault'], 'open-now/1');
  const closed = await request(`${proxy.url}/s/closed/1`);
  assert.equal(closed.status, 200, 'between windows: passes');
  const ruleSet = (await (await fetch(`${cp.url}/v1/ruleset`)).json()) as { wireVersion: number };
  assert.equal(ruleSet.wireVersion, 2);
  const status = (await (await fetch(`${cp.url}/v1/policies/closed-now`)).json()) as { status: { phase: string; nextWindowAt: string } };
  assert.equal(status.status.phase, 'Scheduled');
  assert.ok(Date.parse(status.status.nextWindowAt) > Date.now() + 25 * 60_000, status.status.nextWindowAt);
  // The windows are absolute: with the control plane gone the data plane still closes this one on time.
  await cp.kill();
  await waitFor(async () => (await request(`${proxy.url}/s/open/2`)).status === 200, {
    timeoutMs: 25_000,
    what: 'the window to close without the control plane',
  });
});

for (const how of ['delete', 'halt', 'expiry', 'lease'] as const) {
  test(`a scheduled delay stops when told: ${how}`, () =>
    heldRequestStops(
      how,
      `scheduled-${how}`,
      (prefix) => ({ match: { path: { prefix } }, fault: { delay_ms: 60_000 } }),
      {},
      { schedule: dailyAt({ forMs: 3_600_000 }) },
    ));
}
