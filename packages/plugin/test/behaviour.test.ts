// Behaviour a user relies on, on the simulated clock: delay accuracy, time windows, percentages,
// fail-open on control plane trouble, bad configuration, client resets, identity across Envoy versions.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WIRE_VERSION } from '@hfi/api/constants';
import type { HttpCallResult } from '@hfi/proxy-host';
import { advanceTo, CLUSTER, send, startPlugin } from './harness.js';
import { abort503, rule, ruleSet, T0 } from './rules.js';

const GET = (path = '/api') => ({ method: 'GET', path });

test('a delay resumes the request at its exact deadline; concurrent delays keep their own deadlines', async () => {
  const host = await startPlugin({
    ruleSet: ruleSet([
      rule('slow/0', { path: { kind: 'exact', value: '/slow' }, delayMs: 250 }),
      rule('start/0', { path: { kind: 'exact', value: '/start' }, delayMs: 40, startDelayMs: 60, abort: abort503 }),
      rule('fast/0', { path: { kind: 'exact', value: '/fast' }, delayMs: 3 }),
    ]),
    startTimeMs: T0,
  });
  try {
    const slow = send(host, GET('/slow'));
    await advanceTo(host, host.now() + 17, [slow]);
    const fast = send(host, GET('/fast'));
    const start = send(host, GET('/start'));
    assert.equal(slow.stream.state, 'headers-paused');
    await advanceTo(host, host.now() + 400, [slow, fast, start]);
    assert.equal(slow.endedAtMs! - slow.startedAtMs, 250);
    assert.equal(fast.endedAtMs! - fast.startedAtMs, 3);
    assert.equal(start.endedAtMs! - start.startedAtMs, 100, 'start_delay_ms + delay before the abort');
    assert.equal(start.stream.localResponse?.status, 503);
    assert.deepEqual(slow.observe(), { action: 'fault', ruleId: 'slow/0', waitMs: 250, abort: null });
    assert.equal(host.metric('wasmcustom_hfi_faults_delays_total'), 3);
    assert.equal(host.metric('wasmcustom_hfi_faults_aborts_total'), 1);
    assert.deepEqual(
      host.histogram('wasmcustom_hfi_faults_delay_duration_milliseconds').samples.sort((a, b) => a - b),
      [3, 100, 250],
    );
  } finally {
    host.close();
  }
});

test('the tick is off while nothing waits (no CPU when idle)', async () => {
  const host = await startPlugin({ ruleSet: ruleSet([rule('d/0', { delayMs: 10 })]), startTimeMs: T0 });
  try {
    const r = send(host, GET());
    await advanceTo(host, host.now() + 20, [r]);
    assert.equal(r.endedAtMs! - r.startedAtMs, 10);
    await advanceTo(host, host.now() + 2_000, []); // past the 1 s floor before the second poll, which is then held
    const vm = host.plugin.workers[0]!.vm as unknown as { timers: Map<number, { period: number }> };
    const periods = [...vm.timers.values()].map((t) => t.period).filter((p) => p > 0);
    assert.deepEqual(periods, [], 'no timer armed: the poll is in flight (held) and nothing waits');
  } finally {
    host.close();
  }
});

test('a rule applies from activeFromMs and stops exactly at expiresAtMs', async () => {
  const host = await startPlugin({
    ruleSet: ruleSet([rule('w/0', { abort: abort503, activeFromMs: T0 + 1000, expiresAtMs: T0 + 2000 })]),
    startTimeMs: T0,
  });
  try {
    const at = async (t: number) => {
      await advanceTo(host, t, []);
      return send(host, GET()).observe().action;
    };
    assert.equal(await at(T0 + 999), 'pass');
    assert.equal(await at(T0 + 1000), 'fault');
    assert.equal(await at(T0 + 1999), 'fault');
    assert.equal(await at(T0 + 2000), 'pass');
  } finally {
    host.close();
  }
});

test('schedule windows: a rule applies inside each window only (start included, end excluded), with no expiry', async () => {
  const windows: [number, number][] = [
    [T0 + 1000, T0 + 2000],
    [T0 + 5000, T0 + 6000],
  ];
  const host = await startPlugin({ ruleSet: ruleSet([rule('s/0', { abort: abort503, activeFromMs: T0, windows })], 1), startTimeMs: T0 });
  try {
    const at = async (t: number) => {
      await advanceTo(host, t, []);
      return send(host, GET()).observe().action;
    };
    const seen = [];
    for (const t of [0, 999, 1000, 1999, 2000, 4999, 5000, 5999, 6000, 60_000]) seen.push(await at(T0 + t));
    assert.deepEqual(seen, ['pass', 'pass', 'fault', 'fault', 'pass', 'pass', 'fault', 'fault', 'pass', 'pass']);
  } finally {
    host.close();
  }
});

test('schedule windows that overlap or are empty: the set is refused and the last good one stays', async () => {
  const good = ruleSet([rule('a/0', { abort: abort503 })], 1);
  const bad = (windows: [number, number][], version: number) =>
    JSON.stringify(ruleSet([rule('b/0', { abort: { ...abort503, status: 418 }, windows })], version));
  const answers: HttpCallResult[] = [
    { status: 200, body: JSON.stringify(good) },
    {
      status: 200,
      body: bad(
        [
          [T0, T0 + 2000],
          [T0 + 1000, T0 + 3000],
        ],
        2,
      ),
    },
    { status: 200, body: bad([[T0 + 2000, T0 + 2000]], 3) },
  ];
  const host = await startPlugin({
    startTimeMs: T0,
    pluginConfig: JSON.stringify({ control_plane_cluster: CLUSTER, retry_interval_sec: 1 }),
    controlPlane: () => answers.shift() ?? { hold: true },
  });
  try {
    for (let i = 0; i < 6 && answers.length > 0; i++) await advanceTo(host, host.now() + 70_000, []);
    assert.equal(answers.length, 0, 'every answer was polled');
    assert.equal(send(host, GET()).observe().ruleId, 'a/0');
    const refusals = host.logs.filter((l) => l.message.includes('windows must be ascending, disjoint and not empty'));
    assert.ok(refusals.length >= 1, host.logs.map((l) => l.message).join('\n'));
    assert.ok(host.vms.every((vm) => !vm.failed));
  } finally {
    host.close();
  }
});

test('percentage: faulted share over 20,000 requests lies in the binomial 99.9% interval', async () => {
  const host = await startPlugin({ ruleSet: ruleSet([rule('pct/0', { perMillion: 250_000, abort: abort503 })]), vmSeed: 987654321n });
  try {
    const n = 20_000;
    let faulted = 0;
    for (let i = 0; i < n; i++) {
      const s = host.newHttpStream({ worker: 0 });
      s.sendRequestHeaders(
        [
          [':method', 'GET'],
          [':path', '/'],
          [':authority', 'a'],
        ],
        true,
      );
      if (s.localResponse) faulted++;
      s.complete();
    }
    const mean = n * 0.25;
    const sd = Math.sqrt(n * 0.25 * 0.75);
    assert.ok(Math.abs(faulted - mean) <= 3.29 * sd, `faulted ${faulted} of ${n}, expected ${mean} ± ${(3.29 * sd).toFixed(0)}`);
    assert.equal(host.metric('wasmcustom_hfi_faults_aborts_total'), faulted);
  } finally {
    host.close();
  }
});

test('control plane trouble: the last good rule set stays, errors are counted, logged once per change, retried with backoff', async () => {
  const answers: HttpCallResult[] = [
    { status: 200, body: JSON.stringify(ruleSet([rule('a/0', { abort: abort503 })], 1)) },
    { fail: 'timeout' },
    { fail: 'timeout' },
    { fail: 'refused' },
    { fail: 'reset' },
    { status: 200, body: '{"wireVersion":1,"epoch":"e1","version":' },
    { status: 200, body: JSON.stringify({ ...ruleSet([], 9), wireVersion: WIRE_VERSION + 1 }) },
    { status: 500, body: 'oops' },
    { status: 200, body: JSON.stringify(ruleSet([rule('b/0', { abort: { ...abort503, status: 418 } })], 2)) },
  ];
  const callTimes: number[] = [];
  let host!: Awaited<ReturnType<typeof startPlugin>>;
  host = await startPlugin({
    startTimeMs: T0,
    pluginConfig: JSON.stringify({ control_plane_cluster: CLUSTER, retry_interval_sec: 1 }),
    controlPlane: () => {
      callTimes.push(host ? host.now() : T0);
      return answers.shift() ?? { hold: true };
    },
  });
  try {
    for (let i = 0; i < 10 && answers.length > 1; i++) {
      await advanceTo(host, host.now() + 70_000, []);
      const r = send(host, GET());
      const o = r.observe();
      assert.equal(o.action, 'fault', 'the first rule set keeps applying while the control plane fails');
      assert.equal(o.ruleId, 'a/0');
    }
    await advanceTo(host, host.now() + 70_000, []);
    assert.equal(send(host, GET()).observe().ruleId, 'b/0', 'a good set after the trouble replaces the old one');
    assert.equal(host.metric('wasmcustom_hfi_control_plane_errors_total'), 7);
    assert.equal(host.metric('wasmcustom_hfi_ruleset_updates_total'), 2);
    const warnings = host.logs.filter((l) => l.level === 3 && l.message.includes('poll failed'));
    assert.equal(warnings.length, 6, `one line per change of failure, not per failure:\n${warnings.map((w) => w.message).join('\n')}`);
    assert.ok(
      warnings.some((w) => w.message.includes('wireVersion')),
      'an unknown wire version is named',
    );
    assert.ok(host.logs.some((l) => l.message.includes('reachable again')));
    // Retries back off: gaps between failed polls grow (jitter keeps each within [backoff/2, backoff]).
    const gaps = callTimes.slice(1).map((t, i) => t - callTimes[i]!);
    assert.ok(gaps[2]! >= 500 && gaps[2]! <= 35_000 + 1_000, `gaps ${gaps}`);
    assert.ok(host.vms.every((vm) => !vm.failed));
  } finally {
    host.close();
  }
});

test('a timeout is the poll timeout: hold + 5 s by default, and the request carries identity, epoch, version and counters', async () => {
  const host = await startPlugin({
    ruleSet: ruleSet([rule('a/0', { delayMs: 5 })], 7, 'ep'),
    pluginConfig: JSON.stringify({ control_plane_addr: 'http://hfi-control-plane:8080', token: 's3cret', poll_hold_sec: 20 }),
    identity: { service: 'frontend', namespace: 'demo', pod: 'frontend-7d9f-abcde' },
    startTimeMs: T0,
  });
  try {
    const r = send(host, GET());
    await advanceTo(host, host.now() + 10, [r]);
    r.observe();
    // The held second poll times out after 25 s; the third carries the counters.
    await advanceTo(host, host.now() + 30_000, []);
    const calls = host.httpCalls.filter((call) => call.path === '/v1/dataplane/poll');
    assert.ok(calls.length >= 3, `calls: ${calls.length}`);
    const c = calls[2]!;
    assert.equal(c.cluster, 'hfi-control-plane');
    assert.equal(c.authority, 'hfi-control-plane:8080');
    assert.equal(c.method, 'POST');
    assert.equal(c.path, '/v1/dataplane/poll');
    assert.equal(c.timeoutMs, 25_000);
    assert.ok(c.headers.some(([k, v]) => k === 'authorization' && v === 'Bearer s3cret'));
    assert.ok(c.headers.some(([k, v]) => k === 'content-type' && v === 'application/json'));
    const body = JSON.parse(new TextDecoder().decode(c.body));
    assert.equal(body.wireVersion, WIRE_VERSION);
    assert.deepEqual(body.identity, { service: 'frontend', namespace: 'demo', pod: 'frontend-7d9f-abcde' });
    assert.match(body.instance, /^frontend-7d9f-abcde\/[0-9a-f]{12}$/);
    assert.equal(body.epoch, 'ep');
    assert.equal(body.version, 7);
    assert.equal(body.holdMs, 20_000);
    assert.deepEqual(body.counters, { seq: 1, aborts: 0, delays: 1, rules: { 'a/0': { aborts: 0, delays: 1 } } });
    const first = JSON.parse(new TextDecoder().decode(calls[0]!.body));
    assert.equal(first.epoch, '');
    assert.equal(first.version, 0);
    assert.equal(first.counters, undefined, 'nothing counted yet: no counters member');
  } finally {
    host.close();
  }
});

test('304s answered at once are paced at one poll a second; each worker VM runs its own poll', async () => {
  let n = 0;
  const host = await startPlugin({
    workers: 2,
    startTimeMs: T0,
    controlPlane: () => (++n <= 2 ? { status: 200, body: JSON.stringify(ruleSet([], 1)) } : { status: 304 }),
  });
  try {
    const instances = new Set(host.httpCalls.map((c) => JSON.parse(new TextDecoder().decode(c.body)).instance));
    assert.equal(instances.size, 2, 'one poller per worker VM, none from the canary');
    await advanceTo(host, host.now() + 10_000, []);
    // 304s come back at once here, so the 1 s floor between polls sets the pace: ~11 per VM.
    assert.ok(host.httpCalls.length >= 20 && host.httpCalls.length <= 26, `calls: ${host.httpCalls.length}`);
  } finally {
    host.close();
  }
});

for (const bad of [
  '{"poll_hold_sec": "soon"}',
  '{"control_plane_addr": 42}',
  '{not json',
  '{"debug": "yes"}',
  '[1,2]',
  '{"poll_hold_sec": 30, "poll_timeout_sec": 10}',
  '{"control_plane_addr": "hfi-control-plane:8080"}',
  '{"fault_lease_sec": 1}',
  '{"fault_lease_sec": "forever"}',
  '{"fault_lease_sec": 10, "poll_timeout_sec": 4}',
]) {
  test(`malformed configuration ${bad}: one clear error, traffic passes, no polling`, async () => {
    const host = await startPlugin({ ruleSet: ruleSet([rule('a/0', { abort: abort503 })]), pluginConfig: bad });
    try {
      assert.equal(host.loadError, null);
      assert.equal(send(host, GET()).observe().action, 'pass');
      assert.equal(host.httpCalls.length, 0);
      const errors = host.logs.filter((l) => l.level >= 4 && l.worker === 0);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.message, /invalid plugin configuration/);
      assert.ok(host.vms.every((vm) => !vm.failed));
    } finally {
      host.close();
    }
  });
}

test('seed configuration form: control_plane_addr derives cluster and authority; unknown keys are ignored', async () => {
  const host = await startPlugin({
    ruleSet: ruleSet([]),
    pluginConfig: JSON.stringify({ control_plane_addr: 'http://hfi-control-plane:8080', retry_interval_sec: 5, cache_size: 1000 }),
  });
  try {
    assert.equal(host.httpCalls[0]?.cluster, 'hfi-control-plane');
    assert.equal(host.httpCalls[0]?.authority, 'hfi-control-plane:8080');
    assert.equal(host.httpCalls[0]?.timeoutMs, 35_000);
  } finally {
    host.close();
  }
});

test('a client that goes away while delayed leaves the queue; others still resume on time', async () => {
  const host = await startPlugin({ ruleSet: ruleSet([rule('d/0', { delayMs: 100 })]), startTimeMs: T0 });
  try {
    const gone = send(host, GET());
    const stays = send(host, GET());
    await advanceTo(host, host.now() + 30, [gone, stays]);
    gone.stream.reset();
    await advanceTo(host, host.now() + 100, [stays]);
    assert.equal(stays.endedAtMs! - stays.startedAtMs, 100);
    assert.equal(gone.stream.state, 'reset');
    assert.ok(host.vms.every((vm) => !vm.failed));
    // The stream context is gone: no continue or local reply was attempted for it afterwards.
    assert.equal(gone.stream.localResponse, null);
  } finally {
    host.close();
  }
});

for (const envoyVersion of ['1.32', '1.33'] as const) {
  test(`identity from node metadata on Envoy ${envoyVersion}`, async () => {
    const host = await startPlugin({
      envoyVersion,
      identity: { service: 'frontend', namespace: 'demo', pod: 'frontend-1' },
      ruleSet: ruleSet([
        { ...rule('other/0', { abort: abort503 }), selector: { service: 'backend', namespace: '*' } },
        { ...rule('mine/0', { abort: abort503 }), selector: { service: 'frontend', namespace: 'demo' } },
      ]),
    });
    try {
      assert.equal(send(host, GET()).observe().ruleId, 'mine/0');
      const body = JSON.parse(new TextDecoder().decode(host.httpCalls[0]!.body));
      assert.deepEqual(body.identity, { service: 'frontend', namespace: 'demo', pod: 'frontend-1' });
    } finally {
      host.close();
    }
  });
}

test('unknown workload: warns once, only wildcard rules apply', async () => {
  const host = await startPlugin({
    identity: { service: null, namespace: null },
    ruleSet: ruleSet([
      { ...rule('named/0', { abort: abort503 }), selector: { service: 'frontend', namespace: '*' } },
      rule('any/0', { abort: { ...abort503, status: 500 } }),
    ]),
  });
  try {
    assert.equal(send(host, GET()).observe().ruleId, 'any/0');
    assert.equal(send(host, GET()).observe().ruleId, 'any/0');
    const warns = host.logs.filter((l) => l.worker === 0 && l.level === 3 && l.message.includes('workload name unknown'));
    assert.equal(warns.length, 1);
  } finally {
    host.close();
  }
});

test('responses of delayed requests carry x-hfi-fault; aborts carry it once, in the local reply', async () => {
  const host = await startPlugin({
    ruleSet: ruleSet([
      rule('d/0', { path: { kind: 'prefix', value: '/d' }, delayMs: 5 }),
      rule('a/0', { abort: { status: 429, grpcStatus: 8, body: 'slow down', headers: [['retry-after', '2']] } }),
    ]),
  });
  try {
    const d = send(host, GET('/d'));
    await advanceTo(host, host.now() + 10, [d]);
    d.stream.sendResponseHeaders([[':status', '200']], true);
    assert.deepEqual(
      d.stream.responseHeaders?.filter(([k]) => k === 'x-hfi-fault'),
      [['x-hfi-fault', 'd/0']],
    );
    const a = send(host, GET('/a'));
    const reply = a.stream.localResponse!;
    assert.equal(reply.status, 429);
    assert.equal(reply.body, 'slow down');
    assert.equal(reply.details, 'hfi_fault_abort');
    assert.equal(reply.grpcStatus, 8);
    assert.deepEqual(reply.headers.filter(([k]) => k === 'x-hfi-fault' || k === 'retry-after').sort(), [
      ['retry-after', '2'],
      ['x-hfi-fault', 'a/0'],
    ]);
  } finally {
    host.close();
  }
});

test('request overrides: both headers are stripped before the upstream when the rule allows them, ignored values counted; elsewhere they pass through', async () => {
  const overrides = { maxDelayMs: 50, abortStatuses: [503] };
  const host = await startPlugin({
    ruleSet: ruleSet([
      rule('open/0', { path: { kind: 'prefix', value: '/open' }, perMillion: 0, overrides }),
      rule('closed/0', { path: { kind: 'prefix', value: '/closed' }, perMillion: 0 }),
    ]),
  });
  try {
    const headers: [string, string][] = [
      ['x-hfi-fault-delay-ms', '999'],
      ['x-hfi-fault-abort-status', '503'],
      ['x-other', 'kept'],
    ];
    const open = send(host, { method: 'GET', path: '/open', headers });
    const seen = (open.stream.forwardedRequestHeaders ?? []).map(([k]) => k);
    assert.equal(open.stream.state, 'continued', 'percentage 0: not faulted');
    assert.ok(!seen.includes('x-hfi-fault-delay-ms') && !seen.includes('x-hfi-fault-abort-status'), `forwarded: ${seen}`);
    assert.ok(seen.includes('x-other'));
    assert.equal(host.metric('wasmcustom_hfi_overrides_ignored_total'), 1, 'the delay over maxDelay was ignored');
    const closed = send(host, { method: 'GET', path: '/closed', headers });
    const passed = (closed.stream.forwardedRequestHeaders ?? []).map(([k]) => k);
    assert.ok(
      passed.includes('x-hfi-fault-delay-ms') && passed.includes('x-hfi-fault-abort-status'),
      'without requestOverrides they do nothing',
    );
    assert.equal(host.metric('wasmcustom_hfi_overrides_ignored_total'), 1);
  } finally {
    host.close();
  }
});
