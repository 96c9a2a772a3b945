// hfi-proxy's data path without a plugin, over real loopback HTTP: streaming in both directions,
// hop-by-hop headers, x-forwarded-*, keep-alive to the client, 502 and 504 from the proxy itself.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { rawExchange } from '@hfi/testkit';
import { createReverseProxy } from '../src/proxy/reverse-proxy.js';
import { RealScheduler } from '../src/scheduler.js';

let upstream: http.Server;
let proxy: http.Server;
let proxyUrl = '';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function startProxy(upstreamUrl: string, timeoutMs = 15_000): Promise<{ server: http.Server; url: string }> {
  const server = createReverseProxy({
    upstream: new URL(upstreamUrl),
    workers: null,
    failClosedWithoutPlugin: false,
    upstreamTimeoutMs: timeoutMs,
    scheduler: new RealScheduler(
      () => Date.now(),
      () => process.hrtime.bigint(),
    ),
    requestId: () => 'generated-id',
  });
  return listen(server).then((port) => ({ server, url: `http://127.0.0.1:${port}` }));
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  localPort: number;
}
function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string[] } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, localPort: req.socket!.localPort! }));
    });
    req.on('error', reject);
    for (const chunk of opts.body ?? []) req.write(chunk);
    req.end();
  });
}

before(async () => {
  upstream = http.createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => {
    if (req.url === '/hang') return; // never answers
    if (req.url === '/stream') {
      // Two chunks with a pause: the first must reach the client before the upstream finishes.
      res.writeHead(200, { 'content-type': 'text/plain', 'keep-alive': 'timeout=5', 'x-drop': '1', connection: 'x-drop' });
      res.write('first;');
      setTimeout(() => res.end('second'), 300);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
    });
  });
  const port = await listen(upstream);
  ({ server: proxy, url: proxyUrl } = await startProxy(`http://127.0.0.1:${port}`, 500));
});
after(async () => {
  agent.destroy();
  proxy.closeAllConnections();
  upstream.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await new Promise((r) => upstream.close(r));
});

test('request: method, path, body and headers pass; hop-by-hop dropped; x-forwarded-* and x-request-id added', async () => {
  const r = await send(`${proxyUrl}/echo?q=1`, {
    method: 'POST',
    headers: { 'x-keep': 'yes', 'x-named': 'drop', connection: 'keep-alive, x-named', 'x-forwarded-for': '10.0.0.1', te: 'trailers' },
    body: ['hello ', 'world'],
  });
  assert.equal(r.status, 200);
  const seen = JSON.parse(r.body);
  assert.equal(seen.method, 'POST');
  assert.equal(seen.url, '/echo?q=1');
  assert.equal(seen.body, 'hello world');
  assert.equal(seen.headers['x-keep'], 'yes');
  assert.equal(seen.headers['x-named'], undefined, 'headers named by Connection are hop-by-hop');
  assert.equal(seen.headers.te, undefined);
  assert.equal(seen.headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  assert.equal(seen.headers['x-request-id'], 'generated-id');
  assert.match(seen.headers.host, /^127\.0\.0\.1:\d+$/);
});

test('a client x-request-id is kept', async () => {
  const r = await send(`${proxyUrl}/echo`, { headers: { 'x-request-id': 'mine' } });
  assert.equal(JSON.parse(r.body).headers['x-request-id'], 'mine');
});

test('response streams chunk by chunk; hop-by-hop response headers are dropped', async () => {
  const t0 = Date.now();
  const got = await new Promise<{ headers: http.IncomingHttpHeaders; firstChunkMs: number; body: string }>((resolve, reject) => {
    http
      .get(`${proxyUrl}/stream`, { agent }, (res) => {
        let firstChunkMs = -1;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (firstChunkMs < 0) firstChunkMs = Date.now() - t0;
          body += c;
        });
        res.on('end', () => resolve({ headers: res.headers, firstChunkMs, body }));
      })
      .on('error', reject);
  });
  assert.equal(got.body, 'first;second');
  assert.ok(got.firstChunkMs < 250, `first chunk after ${got.firstChunkMs} ms: the body must not be buffered`);
  assert.equal(got.headers['x-drop'], undefined, 'a header named by the upstream Connection is dropped');
  assert.notEqual(got.headers['keep-alive'], 'timeout=5', "the upstream's Keep-Alive is not forwarded");
});

test('keep-alive: consecutive requests reuse the client connection', async () => {
  const a = await send(`${proxyUrl}/echo`);
  const b = await send(`${proxyUrl}/echo`);
  assert.equal(a.localPort, b.localPort);
});

test('no upstream response headers within the route timeout: 504', async () => {
  const t0 = Date.now();
  const r = await send(`${proxyUrl}/hang`);
  assert.equal(r.status, 504);
  assert.equal(r.body, 'upstream request timeout');
  assert.ok(Date.now() - t0 >= 450, 'not before the timeout');
});

test('upstream unreachable: 502 with the reset reason', async () => {
  const closed = http.createServer();
  const port = await listen(closed);
  await new Promise((r) => closed.close(r));
  const p = await startProxy(`http://127.0.0.1:${port}`);
  try {
    const r = await send(`${p.url}/x`);
    assert.equal(r.status, 502);
    assert.match(r.body, /^upstream connect error or disconnect\/reset before headers\. reset reason: .*ECONNREFUSED/);
  } finally {
    p.server.closeAllConnections();
    await new Promise((r) => p.server.close(r));
  }
});

test('request headers over 60 KiB (Envoy max_request_headers_kb) are 431; under it they pass', async () => {
  const port = Number(new URL(proxyUrl).port);
  const big = await rawExchange(port, `GET /echo HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`);
  assert.equal(big.status, 431, big.response);
  assert.match(big.response, /\r\ncontent-length: 0\r\n/);
  const fits = await send(`${proxyUrl}/echo`, { headers: { 'x-big': 'a'.repeat(40_000) } });
  assert.equal(fits.status, 200);
});

test('CONNECT is answered 404 (as Envoy without a connect_matcher), not dropped without an answer', async () => {
  const port = Number(new URL(proxyUrl).port);
  const r = await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n');
  assert.equal(r.status, 404, r.response);
  assert.match(r.response, /\r\ncontent-length: 0\r\n/);
});

test('a method the parser does not know is 400', async () => {
  const r = await rawExchange(Number(new URL(proxyUrl).port), 'FROB / HTTP/1.1\r\nhost: x\r\n\r\n');
  assert.equal(r.status, 400, r.response);
});
