// The client against the real control plane on loopback: every route, typed answers, errors by code.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { freePort, pollAsDataPlane, type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { HfiApiError, HfiClient, HfiUnreachableError, isHfiError } from '../src/index.js';
import { delayPolicy } from './policies.js';

let cp: RunningControlPlane;
let hfi: HfiClient;
before(async () => {
  cp = await startControlPlane();
  hfi = new HfiClient({ server: cp.url });
});
after(async () => {
  await cp?.stop();
});

test('health and ready', async () => {
  assert.equal((await hfi.health()).status, 'ok');
  const ready = await hfi.ready();
  assert.equal(ready.status, 'ready');
  assert.equal(ready.store, 'memory');
});

test('apply creates, re-apply is unchanged, a dry run writes nothing', async () => {
  const created = await hfi.applyPolicy(delayPolicy('client-apply'));
  assert.equal(created.result, 'created');
  assert.match(created.policy.metadata.version ?? '', /^\d+$/);
  assert.equal(created.policy.status.phase, 'Pending');
  assert.equal((await hfi.applyPolicy(delayPolicy('client-apply'))).result, 'unchanged');
  const dry = await hfi.dryRunPolicy(delayPolicy('client-dry'));
  assert.equal(dry.result, 'created');
  await assert.rejects(hfi.getPolicy('client-dry'), (e) => isHfiError(e, 'HFI_NOT_FOUND'));
});

test('get, list, statuses, data planes, rule set, delete', async () => {
  await hfi.applyPolicy(delayPolicy('client-read'));
  await pollAsDataPlane(cp.url, { instance: 'frontend-1/vm', service: 'frontend', namespace: 'demo', pod: 'frontend-1' });
  const one = await hfi.getPolicy('client-read');
  assert.equal(one.spec.selector.service, 'frontend');
  assert.ok((await hfi.listPolicies()).some((p) => p.metadata.name === 'client-read'));
  const status = (await hfi.policyStatuses()).find((s) => s.name === 'client-read');
  assert.equal(status?.targetedDataPlanes, 1);
  assert.ok((await hfi.listDataPlanes()).some((d) => d.instance === 'frontend-1/vm'));
  const whole = await hfi.getRuleSet();
  assert.equal(whole.wireVersion, 1);
  assert.ok(whole.rules.some((r) => r.policy === 'client-read'));
  const elsewhere = await hfi.getRuleSet({ service: 'checkout', namespace: 'demo' });
  assert.ok(!elsewhere.rules.some((r) => r.policy === 'client-read'), 'the subset for another service leaves it out');
  const deleted = await hfi.deletePolicy('client-read');
  assert.ok('metadata' in deleted, 'a policy, not a skipped store key');
  assert.equal(deleted.metadata.name, 'client-read');
});

test("halt, listHalts, resume: a halted selector stops its policies and empties its data planes' rule set until resumed", async () => {
  await hfi.applyPolicy(delayPolicy('client-halted'));
  try {
    const first = await hfi.halt({ selector: { service: 'frontend' }, reason: 'INC-7', actor: 'ci' });
    assert.equal(first.result, 'created');
    assert.deepEqual(first.halt.selector, { service: 'frontend', namespace: '*' });
    assert.equal(first.halt.actor, 'ci');
    assert.equal((await hfi.halt({ selector: { service: 'frontend' }, reason: 'INC-7, still' })).result, 'configured');
    assert.deepEqual(
      (await hfi.listHalts()).map((h) => [h.selector.service, h.reason]),
      [['frontend', 'INC-7, still']],
    );
    const status = await hfi.policyStatus('client-halted');
    assert.equal(status.phase, 'Halted');
    assert.deepEqual(
      status.halts.map((h) => h.scope),
      ['whole'],
    );
    const covered = await hfi.getRuleSet({ service: 'frontend', namespace: 'demo' });
    assert.deepEqual(covered.rules, []);
    assert.equal(covered.halts?.length, 1);

    const missing = await hfi.resume({ service: 'checkout' }).catch((e: unknown) => e);
    assert.ok(isHfiError(missing, 'HFI_NOT_FOUND'), 'resuming a selector that is not halted');
    const resumed = await hfi.resume({ service: 'frontend' });
    assert.deepEqual(
      resumed.removed.map((h) => h.reason),
      ['INC-7, still'],
    );
    assert.ok(resumed.version >= Number(first.halt.version));
    assert.deepEqual(await hfi.listHalts(), []);
    assert.notEqual((await hfi.policyStatus('client-halted')).phase, 'Halted');
  } finally {
    await hfi.resume();
    await hfi.deletePolicy('client-halted');
  }
});

test('halt() with nothing halts everything; resume() with nothing lifts every halt', async () => {
  const { halt } = await hfi.halt();
  try {
    assert.deepEqual(halt.selector, { service: '*', namespace: '*' });
    assert.equal(halt.reason, '');
    assert.equal((await hfi.getRuleSet({ service: 'checkout', namespace: 'prod' })).halts?.length, 1);
  } finally {
    const { removed } = await hfi.resume();
    assert.equal(removed.length, 1);
  }
  assert.deepEqual((await hfi.resume()).removed, [], 'nothing left to resume is not an error');
});

test('errors carry the registry code, the status and the field details', async () => {
  const missing = await hfi.getPolicy('nope').catch((e: unknown) => e);
  assert.ok(missing instanceof HfiApiError);
  assert.equal(missing.code, 'HFI_NOT_FOUND');
  assert.equal(missing.status, 404);
  const bad = delayPolicy('client-bad') as { spec: { rules: { fault: { percentage: unknown } }[] } };
  bad.spec.rules[0]!.fault.percentage = 'half';
  const invalid = await hfi.applyPolicy(bad as never).catch((e: unknown) => e);
  assert.ok(invalid instanceof HfiApiError);
  assert.equal(invalid.code, 'HFI_INVALID_POLICY');
  assert.deepEqual(
    invalid.details.map((d) => d.path),
    ['spec.rules[0].fault.percentage'],
  );
});

test('a server that is not there is HFI_UNREACHABLE (refused); one that never answers is a timeout', async () => {
  const nobody = new HfiClient({ server: `http://127.0.0.1:${await freePort()}` });
  const refused = await nobody.health().catch((e: unknown) => e);
  assert.ok(refused instanceof HfiUnreachableError);
  assert.equal(refused.code, 'HFI_UNREACHABLE');
  assert.equal(refused.failure, 'refused');
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const slow = new HfiClient({ server: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 200 });
    const timedOut = await slow.health().catch((e: unknown) => e);
    assert.ok(isHfiError(timedOut, 'HFI_UNREACHABLE'));
    assert.equal((timedOut as HfiUnreachableError).failure, 'timeout');
    assert.match((timedOut as Error).message, /no answer within 200ms/);
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test("an answer that is not HFI's is HFI_BAD_RESPONSE with its status", async () => {
  const other = createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>bad gateway</h1>'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const client = new HfiClient({ server: `http://127.0.0.1:${(other.address() as AddressInfo).port}` });
    const error = await client.health().catch((e: unknown) => e);
    assert.ok(error instanceof HfiApiError);
    assert.equal(error.code, 'HFI_BAD_RESPONSE');
    assert.equal(error.status, 502);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

test('a guarded server: no token is HFI_UNAUTHORIZED, a read token writing is HFI_FORBIDDEN', async () => {
  const guarded = await startControlPlane({ env: { HFI_ADMIN_TOKEN: 'admin-secret', HFI_READ_TOKENS: 'read-secret' } });
  try {
    const anonymous = await new HfiClient({ server: guarded.url }).listPolicies().catch((e: unknown) => e);
    assert.ok(isHfiError(anonymous, 'HFI_UNAUTHORIZED'));
    const reader = new HfiClient({ server: guarded.url, token: 'read-secret' });
    assert.deepEqual(await reader.listPolicies(), []);
    assert.ok(isHfiError(await reader.applyPolicy(delayPolicy('x')).catch((e: unknown) => e), 'HFI_FORBIDDEN'));
    const admin = new HfiClient({ server: guarded.url, token: 'admin-secret' });
    assert.equal((await admin.applyPolicy(delayPolicy('x'))).result, 'created');
  } finally {
    await guarded.stop();
  }
});

test('watchRuleSets yields the current rule set, then each new one, until aborted', async () => {
  const stop = new AbortController();
  const events = await hfi.watchRuleSets(stop.signal);
  const seen: number[] = [];
  for await (const event of events) {
    assert.equal(event.event, 'update');
    const ruleSet = JSON.parse(event.data) as { version: number; rules: { policy: string }[] };
    seen.push(ruleSet.version);
    if (seen.length === 1) await hfi.applyPolicy(delayPolicy('client-watch'));
    else if (ruleSet.rules.some((r) => r.policy === 'client-watch')) stop.abort();
  }
  assert.ok(seen.length >= 2 && seen.at(-1)! > seen[0]!, `versions ${seen.join(', ')}`);
});

test('audit: the history of one policy, newest first, filtered by kind and limited', async () => {
  await hfi.applyPolicy(delayPolicy('client-audited'));
  await hfi.applyPolicy({ ...delayPolicy('client-audited'), metadata: { name: 'client-audited', labels: { team: 'cart' } } });
  await hfi.deletePolicy('client-audited');
  const entries = await hfi.audit({ policy: 'client-audited' });
  assert.deepEqual(
    entries.map((e) => [e.kind, e.actor]),
    [
      ['delete', 'anonymous'],
      ['update', 'anonymous'],
      ['create', 'anonymous'],
    ],
  );
  assert.deepEqual(
    (await hfi.audit({ policy: 'client-audited', kind: 'update' })).map((e) => e.kind),
    ['update'],
  );
  assert.equal((await hfi.audit({ limit: 1 })).length, 1);
  await assert.rejects(hfi.audit({ limit: 0 }), (e) => isHfiError(e, 'HFI_INVALID_REQUEST'));
});
