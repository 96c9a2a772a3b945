// HttpCluster over real HTTP on loopback: the call's body goes out as the module gave it, and an answer's
// body comes back whole whether it was written at once or in parts that arrive as separate chunks; the
// keep-alive pool, its limit, and the failures Envoy's async client reports (503 before headers, reset after).

import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
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

/** A raw TCP server: each connection is handed to `onConnection`; `connections` counts them. */
async function rawServer(
  onConnection: (socket: Socket, index: number) => void,
): Promise<{ url: URL; connections(): number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket, count++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    connections: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function get(cluster: HttpCluster, headers: [string, string][] = []): Promise<HttpCallOutcome> {
  const request: HttpCallRequest = {
    cluster: 'c',
    method: 'GET',
    path: '/x',
    authority: 'cp',
    headers: [[':method', 'GET'], [':path', '/x'], [':authority', 'cp'], ...headers],
    body: new Uint8Array(0),
    trailers: [],
    timeoutMs: 0,
  };
  return new Promise((resolve) => cluster.send(request, resolve));
}

function statusOf(outcome: HttpCallOutcome): string | undefined {
  return outcome.kind === 'response' ? outcome.response.headers[0]![1] : undefined;
}

test('calls one after another reuse one keep-alive connection; an answer with connection: close is not reused', async () => {
  let answered = 0;
  const server = http.createServer((_req, res) => {
    answered++;
    res.writeHead(200, answered === 3 ? { connection: 'close' } : {});
    res.end(String(answered));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connections = new Set<Socket>();
  server.on('connection', (s: Socket) => connections.add(s));
  const cluster = new HttpCluster(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  try {
    for (let i = 0; i < 3; i++) assert.equal(statusOf(await get(cluster)), '200');
    assert.equal(connections.size, 1, 'three calls in turn, one connection');
    assert.equal(statusOf(await get(cluster)), '200');
    assert.equal(connections.size, 2, 'the third answer said close: the fourth call opened a new connection');
  } finally {
    cluster.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("the request goes out as HTTP/1.1 with the call's authority as host and its body's length, framing headers the module sent dropped", async () => {
  let seen = '';
  const server = await rawServer((socket) => {
    socket.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      if (seen.includes('\r\n\r\nabc')) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
    });
  });
  const cluster = new HttpCluster(server.url);
  try {
    const request: HttpCallRequest = {
      cluster: 'c',
      method: 'POST',
      path: '/v1/dataplane/poll',
      authority: 'control-plane',
      headers: [
        [':method', 'POST'],
        [':path', '/v1/dataplane/poll'],
        [':authority', 'control-plane'],
        ['x-hfi', 'a b'],
        ['transfer-encoding', 'chunked'],
        ['content-length', '99'],
      ],
      body: new TextEncoder().encode('abc'),
      trailers: [],
      timeoutMs: 0,
    };
    assert.equal(statusOf(await new Promise<HttpCallOutcome>((resolve) => cluster.send(request, resolve))), '200');
    assert.equal(seen, 'POST /v1/dataplane/poll HTTP/1.1\r\nhost: control-plane\r\nx-hfi: a b\r\ncontent-length: 3\r\n\r\nabc');
  } finally {
    cluster.close();
    await server.close();
  }
});

test("a refused connection is the router's local 503; a reset after the headers is a reset; a malformed answer before them a 503", async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
  const refusedCluster = new HttpCluster(new URL(`http://127.0.0.1:${closedPort}`));
  const outcome = await get(refusedCluster);
  assert.equal(statusOf(outcome), '503');
  assert.match(outcome.kind === 'response' ? Buffer.from(outcome.response.body).toString() : '', /connection failure/);
  refusedCluster.close();

  const server = await rawServer((socket, index) => {
    socket.once('data', () => {
      if (index === 0)
        socket.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'); // cut short after headers
      else socket.end('NOT HTTP\r\n\r\n');
    });
  });
  const cluster = new HttpCluster(server.url);
  try {
    assert.deepEqual(await get(cluster), { kind: 'reset' });
    assert.equal(statusOf(await get(cluster)), '503');
  } finally {
    cluster.close();
    await server.close();
  }
});

test('a header value HTTP cannot carry fails the call as a reset, and the cluster still serves the next call', async () => {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cluster = new HttpCluster(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  try {
    assert.deepEqual(await get(cluster, [['authorization', 'Bearer a\nb']]), { kind: 'reset' });
    assert.deepEqual(await get(cluster, [['bad name', 'x']]), { kind: 'reset' });
    assert.equal(statusOf(await get(cluster)), '200');
  } finally {
    cluster.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('beyond maxSockets calls wait for a connection and are all answered, in order', async () => {
  const order: string[] = [];
  const server = http.createServer((req, res) => {
    order.push(req.headers['x-n'] as string);
    setTimeout(() => res.end(req.headers['x-n']), 10);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connections = new Set<Socket>();
  server.on('connection', (s: Socket) => connections.add(s));
  const cluster = new HttpCluster(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), 2);
  try {
    const outcomes = await Promise.all(['1', '2', '3', '4', '5'].map((n) => get(cluster, [['x-n', n]])));
    assert.deepEqual(
      outcomes.map((o) => (o.kind === 'response' ? Buffer.from(o.response.body).toString() : o.kind)),
      ['1', '2', '3', '4', '5'],
    );
    assert.equal(connections.size, 2);
    assert.deepEqual(order.slice(2), ['3', '4', '5']);
  } finally {
    cluster.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a cancelled call closes its connection and delivers nothing; a connection the server closed while idle is replaced', async () => {
  const server = await rawServer((socket, index) => {
    socket.once('data', () => {
      if (index === 0) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'); // answers, then closes while idle
      // index 1 never answers: its call is cancelled
      if (index === 2) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
  });
  const cluster = new HttpCluster(server.url);
  try {
    assert.equal(statusOf(await get(cluster)), '200');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server's FIN reaches the idle connection
    let delivered = false;
    const request: HttpCallRequest = {
      cluster: 'c',
      method: 'GET',
      path: '/x',
      authority: 'cp',
      headers: [],
      body: new Uint8Array(0),
      trailers: [],
      timeoutMs: 0,
    };
    const handle = cluster.send(request, () => {
      delivered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.connections(), 2, 'the closed idle connection was not used again');
    handle.cancel();
    const outcome = await get(cluster);
    assert.equal(statusOf(outcome), '200');
    assert.equal(server.connections(), 3, 'the cancelled call took its connection with it');
    assert.equal(delivered, false);
  } finally {
    cluster.close();
    await server.close();
  }
});
