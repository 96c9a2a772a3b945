// Long-poll holding, SSE stream, data-plane registry expiry, status phases and graceful close.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { expandRuleSet } from '@hfi/policy';
import { rawBody, refuses, waitFor } from '@hfi/testkit';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { FastifyInstance } from 'fastify';
import { MemoryPolicyStore } from '../src/store/memory.js';
import { httpClient, injectClient, listen, metric, type TestClient } from './helpers/client.js';
import { ManualClock, makeApp, policy, pollBody, storeDefaults } from './helpers/fixtures.js';

describe('distribution', () => {
  let app: FastifyInstance;
  let base: string;
  let call: TestClient;
  const clock = new ManualClock();
  before(async () => {
    app = await makeApp({ clock, sseHeartbeatMs: 100, dataPlaneForgetAfterMs: 60_000 });
    base = await listen(app);
    call = httpClient(base);
  });
  after(() => app.close());

  const current = async () => (await call('GET', '/v1/ruleset')).json();

  test('a poll for the current version is held for holdMs, then 304', async () => {
    const set = await current();
    const started = Date.now();
    const r = await call('POST', '/v1/dataplane/poll', { body: pollBody({ epoch: set.epoch, version: set.version, holdMs: 300 }) });
    assert.equal(r.status, 304);
    assert.ok(Date.now() - started >= 280, `answered after ${Date.now() - started} ms`);
  });

  test('a different epoch is answered at once even with a higher version', async () => {
    const r = await call('POST', '/v1/dataplane/poll', { body: pollBody({ epoch: 'other-epoch', version: 10 ** 9, holdMs: 30_000 }) });
    assert.equal(r.status, 200);
  });

  test('a client that goes away leaves the waiting set', async () => {
    const set = await current();
    const controller = new AbortController();
    const pending = fetch(`${base}/v1/dataplane/poll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pollBody({ instance: 'leaver', epoch: set.epoch, version: set.version, holdMs: 30_000 })),
      signal: controller.signal,
    }).catch(() => 'aborted');
    const heldNow = () => metric(call, 'hfi_control_plane_longpolls_held');
    await waitFor(async () => (await heldNow()) === 1, { what: 'the poll to be held' });
    controller.abort();
    assert.equal(await pending, 'aborted');
    await waitFor(async () => (await heldNow()) === 0, { what: 'the aborted poll to leave the waiting set' });
  });

  test('SSE: the current set at connect, every new set, heartbeats, optional identity subset', async () => {
    const events: EventSourceMessage[] = [];
    let raw = '';
    const parser = createParser({ onEvent: (e) => events.push(e) });
    const req = httpRequest(`${base}/v1/config/stream?service=cart&namespace=shop`, { headers: { accept: 'text/event-stream' } });
    const opened = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          raw += chunk;
          parser.feed(chunk);
        });
        resolve();
      });
    });
    req.end();
    await opened;
    await waitFor(() => events.length >= 1, { what: 'the current set at connect' });
    const first = JSON.parse(events[0]!.data);
    assert.equal(events[0]!.event, 'update');
    assert.equal(events[0]!.id, String(first.version));
    assert.ok(Array.isArray(first.rules));
    await call('POST', '/v1/policies', { body: policy('sse-cart', { service: 'cart', namespace: 'shop' }) });
    await call('POST', '/v1/policies', { body: policy('sse-other', { service: 'other', namespace: 'shop' }) });
    await waitFor(() => events.length >= 3, { what: 'an event per write' });
    const last = JSON.parse(events.at(-1)!.data);
    assert.ok(last.version > first.version);
    assert.ok(last.rules.some((r: any) => r.policy === 'sse-cart'));
    assert.ok(!last.rules.some((r: any) => r.policy === 'sse-other'));
    await waitFor(() => raw.includes(': heartbeat'), { what: 'a heartbeat' });
    req.destroy();
  });

  test('SSE with ?wireVersion=5: the events carry the compact form of the same set', async () => {
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    const req = httpRequest(`${base}/v1/config/stream?service=cart&namespace=shop&wireVersion=5`, {
      headers: { accept: 'text/event-stream' },
    });
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
    });
    req.end();
    try {
      await waitFor(() => events.length >= 1, { what: 'the current set at connect' });
      const compact = JSON.parse(events[0]!.data);
      assert.equal(compact.wireVersion, 5);
      const rules = (await call('GET', '/v1/ruleset?service=cart&namespace=shop')).json();
      assert.equal(compact.version, rules.version);
      assert.deepEqual(expandRuleSet(compact), rules);
    } finally {
      req.destroy();
    }
  });

  test('status counts pods: a pod whose worker VMs poll separately is one data plane, applied once all its VMs hold the write', async () => {
    const poll = (instance: string, held: { epoch: string; version: number }) =>
      call('POST', '/v1/dataplane/poll', {
        body: pollBody({ instance, service: 'api', namespace: 'pods', epoch: held.epoch, version: held.version }),
      });
    const before = await current();
    await poll('api-7d9f/vm-a', before);
    await poll('api-7d9f/vm-b', before);
    await call('POST', '/v1/policies', { body: policy('per-pod', { service: 'api', namespace: 'pods' }) });
    const set = await current();
    await poll('api-7d9f/vm-a', set); // vm-b has not polled since the write
    let status = (await call('GET', '/v1/policies/per-pod')).json().status;
    assert.equal(status.targetedDataPlanes, 1, 'two VMs of one pod are one data plane');
    assert.equal(status.appliedDataPlanes, 0, 'one VM still holds the older rule set');
    await poll('api-7d9f/vm-b', set);
    status = (await call('GET', '/v1/policies/per-pod')).json().status;
    assert.equal(status.appliedDataPlanes, 1);
    await poll('api-55c1/vm-a', set);
    status = (await call('GET', '/v1/policies/per-pod')).json().status;
    assert.deepEqual([status.targetedDataPlanes, status.appliedDataPlanes], [2, 2]);
  });

  test('status: Active once a targeted data plane holds the write; Expired after duration_seconds', async () => {
    const created = (
      await call('POST', '/v1/policies', { body: policy('short-lived', { service: 'web', namespace: 'prod', durationSeconds: 60 }) })
    ).json();
    assert.equal(created.status.phase, 'Pending');
    assert.equal(created.status.expiresAt, new Date(clock.now() + 60_000).toISOString());
    const set = await current();
    await call('POST', '/v1/dataplane/poll', {
      body: pollBody({ instance: 'web-1', service: 'web', namespace: 'prod', epoch: set.epoch, version: set.version }),
    });
    const status = (await call('GET', '/v1/policies/short-lived')).json().status;
    assert.equal(status.phase, 'Active');
    assert.equal(status.targetedDataPlanes, 1);
    assert.equal(status.appliedDataPlanes, 1);
    clock.advance(61_000);
    assert.equal((await call('GET', '/v1/policies/short-lived')).json().status.phase, 'Expired');
    const metrics = (await call('GET', '/v1/metrics')).text;
    assert.match(metrics, /hfi_control_plane_policies\{phase="Expired"\} [1-9]/);
  });

  test('fault counters from polls add up in the status', async () => {
    const counters = { seq: 1, aborts: 3, delays: 5, rules: { 'short-lived/0': { aborts: 3, delays: 5 } } };
    await call('POST', '/v1/dataplane/poll', { body: pollBody({ instance: 'web-2', service: 'web', namespace: 'prod', counters }) });
    const item = (await call('GET', '/v1/policies/status')).json().items.find((i: any) => i.name === 'short-lived');
    assert.deepEqual(item.faults, { aborts: 3, delays: 5 });
  });

  test('data planes unseen for the forget interval are forgotten', async () => {
    const before = (await call('GET', '/v1/dataplanes')).json().items.length;
    assert.ok(before >= 1);
    clock.advance(61_000);
    await call('POST', '/v1/dataplane/poll', { body: pollBody({ instance: 'fresh' }) });
    const items = (await call('GET', '/v1/dataplanes')).json().items;
    assert.deepEqual(
      items.map((i: any) => i.instance),
      ['fresh'],
    );
  });
});

describe('graceful close', () => {
  test('close answers held polls with 304 and ends SSE streams', async () => {
    const app = await makeApp();
    const base = await listen(app);
    const call = httpClient(base);
    const set = (await call('GET', '/v1/ruleset')).json();
    const held = call('POST', '/v1/dataplane/poll', { body: pollBody({ epoch: set.epoch, version: set.version, holdMs: 30_000 }) });
    const streamEnded = new Promise<void>((resolve) => {
      httpRequest(`${base}/v1/config/stream`, (res) => {
        res.resume();
        res.on('end', resolve);
      }).end();
    });
    await waitFor(async () => (await metric(call, 'hfi_control_plane_longpolls_held')) === 1, { what: 'the poll to be held' });
    await waitFor(async () => (await metric(call, 'hfi_control_plane_sse_streams')) === 1, { what: 'the stream to open' });
    const started = Date.now();
    await app.close();
    assert.equal((await held).status, 304);
    await streamEnded;
    assert.ok(Date.now() - started < 5000);
  });

  test('a request that reaches a closing server is 503 HFI_SHUTTING_DOWN, and its connection is closed', async () => {
    const app = await makeApp();
    const base = await listen(app);
    // A dry run whose body is still arriving keeps its connection open through the close; a second request
    // sent behind it on that connection reaches the server after the close began.
    const body = JSON.stringify(policy('late'));
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const socketClosed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const requestStarted = new Promise<void>((resolve) => app.server.once('request', () => resolve()));
    socket.write(
      `POST /v1/policies?dryRun=true HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await requestStarted;
    const closed = app.close();
    await waitFor(() => refuses(base), { what: 'the server to stop accepting connections' });
    socket.write(`${body.slice(10)}GET /v1/policies HTTP/1.1\r\nhost: x\r\n\r\n`);
    await socketClosed;
    await closed;
    const second = received.indexOf('HTTP/1.1', 1);
    assert.match(received, /^HTTP\/1\.1 200 /, received);
    assert.ok(second > 0, `one answer only: ${received}`);
    const answer = received.slice(second);
    assert.match(answer, /^HTTP\/1\.1 503 /, answer);
    assert.match(answer, /\r\nconnection: close\r\n/i, answer);
    assert.deepEqual(rawBody(answer), { code: 'HFI_SHUTTING_DOWN', message: 'the server is shutting down', details: [] });
  });

  test('inject works without a listening socket: it readies the app, which reads the store first, so a poll is 200', async () => {
    const app = await makeApp();
    const r = await injectClient(app)('POST', '/v1/dataplane/poll', { body: pollBody() });
    assert.equal(r.status, 200);
    await app.close();
  });

  test('before the store was first read there is no rule set: polls, the stream, /v1/ruleset and /ready are 503', async () => {
    const app = await makeApp({ store: new NeverReadStore({ maxPolicies: 10, ...storeDefaults }) });
    const call = injectClient(app);
    for (const [method, url, body] of [
      ['POST', '/v1/dataplane/poll', pollBody()],
      ['GET', '/v1/config/stream', undefined],
      ['GET', '/v1/ruleset', undefined],
      ['GET', '/ready', undefined],
    ] as const) {
      const r = await call(method, url, body === undefined ? {} : { body });
      assert.equal(r.status, 503, `${method} ${url}`);
      assert.equal(r.json().code, 'HFI_NO_RULE_SET', `${method} ${url}`);
    }
    await app.close();
  });
});

/** A store whose first read failed: its watch resolves without a reset (and would keep retrying). */
class NeverReadStore extends MemoryPolicyStore {
  override async watch(): Promise<void> {
    // nothing delivered yet
  }
}
