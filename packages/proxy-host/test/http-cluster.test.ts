// HttpCluster over real HTTP on loopback: the call's body goes out as the module gave it, and an answer's
// body comes back whole whether it was written at once or in parts that arrive as separate chunks.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { HttpCallOutcome, HttpCallRequest } from '../src/http-call.js';
import { HttpCluster } from '../src/proxy/http-cluster.js';

/** Answers with the request body, in `parts` writes 20 ms apart (so the client reads them as separate chunks). */
async function echoServer(parts: number): Promise<{ url: URL; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-parts': String(parts) });
      const step = Math.ceil(body.length / parts);
      for (let i = 0; i < parts; i++) {
        res.write(body.subarray(i * step, (i + 1) * step));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}`), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function call(cluster: HttpCluster, body: Uint8Array): Promise<HttpCallOutcome> {
  const request: HttpCallRequest = {
    cluster: 'c',
    method: 'POST',
    path: '/echo',
    authority: 'cp',
    headers: [
      [':method', 'POST'],
      [':path', '/echo'],
      [':authority', 'cp'],
      ['content-length', String(body.length)],
    ],
    body,
    trailers: [],
    timeoutMs: 0,
  };
  return new Promise((resolve) => cluster.send(request, resolve));
}

for (const parts of [1, 3]) {
  test(`an answer written in ${parts} part(s) arrives whole, and the call's body (a view into a larger buffer) goes out as given`, async () => {
    const server = await echoServer(parts);
    const cluster = new HttpCluster(server.url);
    try {
      // A view with an offset, as the host's copy of guest memory may be: only its own bytes are sent.
      const backing = new Uint8Array(70_000).map((_, i) => i % 251);
      const body = backing.subarray(1_000, 61_000);
      const outcome = await call(cluster, body);
      assert.equal(outcome.kind, 'response');
      if (outcome.kind !== 'response') return;
      assert.deepEqual(outcome.response.headers.slice(0, 1), [[':status', '200']]);
      assert.ok(outcome.response.headers.some(([k, v]) => k === 'x-parts' && v === String(parts)));
      assert.equal(outcome.response.body.length, body.length);
      assert.deepEqual(Buffer.from(outcome.response.body), Buffer.from(body));
    } finally {
      cluster.close();
      await server.close();
    }
  });
}
