// Clients that would bloat the server: an SSE client that never reads is dropped once it leaves more than
// WATCH_BUFFER_BYTES unread (one log line, one metric); polls from more instances than MAX_DATA_PLANES are
// all answered while the registry forgets the least recently seen.

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { httpClient, listen, metric, type TestClient } from './helpers/client.js';
import { makeApp, policy, pollBody, testConfig } from './helpers/fixtures.js';

const CAP = 256 * 1024;

/** A policy whose rules carry ~32 KB of abort bodies, so that each publication is large. */
function bulky(name: string, percentage: number) {
  const p = policy(name, { percentage }) as { spec: { rules: unknown[] } };
  p.spec.rules = Array.from({ length: 4 }, () => ({ fault: { percentage, abort: { httpStatus: 503, body: 'x'.repeat(8000) } } }));
  return p;
}

describe('an SSE client that never reads', () => {
  let app: FastifyInstance;
  let call: TestClient;
  let port = 0;
  let logged = '';
  const sockets: Socket[] = [];
  before(async () => {
    const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
    app = await makeApp({ logger: pino({ level: 'warn' }, sink), config: testConfig({ watchBufferBytes: CAP }) });
    const base = await listen(app);
    port = Number(new URL(base).port);
    call = httpClient(base);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await app.close();
  });

  test('is dropped once more than WATCH_BUFFER_BYTES are queued for it: one log line and the metric; a reading client stays', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await call('POST', '/v1/policies', { body: bulky(`bulky-${i}`, 1) })).status, 201);
    let readerBytes = 0;
    const open = (reads: boolean): Socket => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /v1/config/stream HTTP/1.1\r\nhost: x\r\n\r\n'));
      socket.on('error', () => undefined);
      if (reads) socket.on('data', (chunk) => (readerBytes += chunk.length));
      else socket.pause();
      sockets.push(socket);
      return socket;
    };
    const stalled = [open(false), open(false), open(false)];
    open(true);
    await waitFor(async () => (await metric(call, 'hfi_control_plane_sse_streams')) === 4, { what: '4 SSE streams' });
    let round = 0;
    await waitFor(
      async () => {
        // Each publication is a ~330 KB rule set; kernel buffers take a few MB first.
        await call('POST', '/v1/policies', { body: bulky('bulky-0', (++round % 90) + 2) });
        return (await metric(call, 'hfi_control_plane_sse_dropped_total')) === 3;
      },
      { what: 'the three stalled streams to be dropped', timeoutMs: 60_000, intervalMs: 1 },
    );
    // Reading now, they find the server closed their connections.
    for (const s of stalled) s.on('data', () => undefined).resume();
    await waitFor(() => stalled.every((s) => s.closed), { what: 'their connections to be closed' });
    assert.equal(await metric(call, 'hfi_control_plane_sse_streams'), 1);
    const lines = logged.split('\n').filter((l) => l.includes('SSE client dropped'));
    assert.equal(lines.length, 3, logged.slice(-2000));
    assert.ok(lines.every((l) => JSON.parse(l).queuedBytes > CAP));
    assert.ok(readerBytes > 0);
  });
});

describe('more data planes than MAX_DATA_PLANES', () => {
  let app: FastifyInstance;
  let call: TestClient;
  before(async () => {
    app = await makeApp({ config: testConfig({ maxDataPlanes: 100 }) });
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  test('every poll is answered; the registry keeps the 100 most recently seen and counts the evictions', async () => {
    for (let i = 0; i < 300; i++) {
      const r = await call('POST', '/v1/dataplane/poll', { body: pollBody({ instance: `pod-${i}/vm1` }) });
      assert.equal(r.status, 200, `poll ${i}`);
    }
    const instances = (await call('GET', '/v1/dataplanes')).json().items.map((p: { instance: string }) => p.instance);
    assert.equal(instances.length, 100);
    assert.deepEqual(instances.sort(), Array.from({ length: 100 }, (_, i) => `pod-${200 + i}/vm1`).sort());
    assert.equal(await metric(call, 'hfi_control_plane_dataplanes_evicted_total'), 200);
    // Polling again makes an instance recent: it survives the next eviction.
    await call('POST', '/v1/dataplane/poll', { body: pollBody({ instance: 'pod-200/vm1' }) });
    await call('POST', '/v1/dataplane/poll', { body: pollBody({ instance: 'pod-new/vm1' }) });
    const after = (await call('GET', '/v1/dataplanes')).json().items.map((p: { instance: string }) => p.instance);
    assert.ok(after.includes('pod-200/vm1') && after.includes('pod-new/vm1') && !after.includes('pod-201/vm1'));
  });
});
