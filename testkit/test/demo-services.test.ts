// The demo mesh's parts: the calling service's route and timeouts, and the load generator's rate and mix.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { startCallingService } from '../src/calling-service.js';
import { request } from '../src/http.js';
import { startLoad } from '../src/load.js';
import { waitFor } from '../src/wait.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

/** A callee that records each method and path and answers after `ms` (the path /fail: 503). */
async function callee(ms: number): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    setTimeout(() => {
      res.writeHead(req.url === '/fail' ? 503 : 200);
      res.end('ok');
    }, ms);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test('a calling service calls the route it maps a request to, and retries a 5xx the number of times it is told', async () => {
  const target = await callee(0);
  const service = await startCallingService({
    target: target.url,
    retries: 1,
    route: (r) => (r.path === '/shop' ? { method: 'POST', path: '/cart' } : r),
  });
  closers.push(() => service.close());
  assert.equal((await request(`${service.url}/shop`)).status, 200);
  assert.equal((await request(`${service.url}/fail`)).status, 503);
  assert.deepEqual(target.seen, ['POST /cart', 'GET /fail', 'GET /fail']);
});

test('a calling service with a timeout answers 504 when the callee is slower; with none it waits', async () => {
  const slow = await callee(400);
  const impatient = await startCallingService({ target: slow.url, timeoutMs: 100 });
  const patient = await startCallingService({ target: slow.url, timeoutMs: null });
  closers.push(
    () => impatient.close(),
    () => patient.close(),
  );
  assert.equal((await request(`${impatient.url}/x`)).status, 504);
  const waited = await request(`${patient.url}/x`);
  assert.equal(waited.status, 200);
  assert.ok(waited.ms >= 390, `${waited.ms} ms`);
});

test('the load generator sends no faster than its rate, cycling through its requests in order, and counts the answers', async () => {
  const target = await callee(0);
  const load = startLoad({
    target: target.url,
    ratePerSecond: 50,
    requests: [
      { method: 'GET', path: '/a' },
      { method: 'GET', path: '/fail' },
    ],
  });
  const startedAt = performance.now();
  await waitFor(() => target.seen.length >= 20, { timeoutMs: 10_000, what: '20 requests' });
  await load.stop();
  const seconds = (performance.now() - startedAt) / 1000;
  assert.ok(load.sent / seconds <= 50 * 1.5, `${load.sent} in ${seconds.toFixed(2)} s`);
  assert.deepEqual(target.seen.slice(0, 4), ['GET /a', 'GET /fail', 'GET /a', 'GET /fail']);
  assert.equal((load.answered['200'] ?? 0) + (load.answered['503'] ?? 0), load.sent, 'every request answered before stop resolves');
  assert.ok(Math.abs((load.answered['200'] ?? 0) - (load.answered['503'] ?? 0)) <= 1);
});

test('the load generator refuses a rate that is not positive', () => {
  assert.throws(
    () => startLoad({ target: 'http://127.0.0.1:9', ratePerSecond: 0, requests: [{ method: 'GET', path: '/' }] }),
    /expected a positive rate/,
  );
});
