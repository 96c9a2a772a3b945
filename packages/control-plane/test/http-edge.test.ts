// Before any route runs: what Node's HTTP parser refuses, and what takes too long, is answered in the API's
// error shape; REQUEST_TIMEOUT holds for slow headers; a token sent in the query string is never logged.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { rawBody, rawExchange } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loggableUrl } from '../src/http-edge.js';
import { httpClient, listen } from './helpers/client.js';
import { makeApp, testConfig } from './helpers/fixtures.js';

const TIMEOUT_MS = 1_000;

function assertErrorShape(body: unknown, code: string): void {
  const b = body as { code: string; message: string; details: unknown[] };
  assert.equal(b.code, code);
  assert.equal(typeof b.message, 'string');
  assert.ok(Array.isArray(b.details));
  assert.deepEqual(Object.keys(b).sort(), ['code', 'details', 'message']);
}

describe('errors before routing', () => {
  let app: FastifyInstance;
  let port = 0;
  let logged = '';
  before(async () => {
    const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
    app = await makeApp({ logger: pino({ level: 'trace' }, sink), config: testConfig({ requestTimeoutMs: TIMEOUT_MS }) });
    port = Number(new URL(await listen(app)).port);
  });
  after(() => app.close());

  test('a malformed request line is 400 HFI_INVALID_REQUEST in the API shape, not Fastify\'s {"error","statusCode"}', async () => {
    const r = await rawExchange(port, 'GET /v1/health HTTP/1.1 extra\r\nhost: x\r\n\r\n');
    assert.equal(r.status, 400);
    assertErrorShape(rawBody(r.response), 'HFI_INVALID_REQUEST');
  });

  test("headers over Node's limit are 431 HFI_HEADERS_TOO_LARGE", async () => {
    const r = await rawExchange(port, `GET /v1/health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`);
    assert.equal(r.status, 431);
    assertErrorShape(rawBody(r.response), 'HFI_HEADERS_TOO_LARGE');
  });

  test('content-length together with transfer-encoding (request smuggling) is 400 in the API shape', async () => {
    const r = await rawExchange(
      port,
      'POST /v1/policies HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    assert.equal(r.status, 400);
    assertErrorShape(rawBody(r.response), 'HFI_INVALID_REQUEST');
  });

  test('slow headers (slowloris): REQUEST_TIMEOUT holds, answered 408 HFI_REQUEST_TIMEOUT', async () => {
    const drip = Array.from({ length: 100 }, (_, i) => `x-slow-${i}: 1\r\n`);
    const r = await rawExchange(port, 'GET /v1/health HTTP/1.1\r\nhost: x\r\n', { chunks: drip, intervalMs: 100, timeoutMs: 15_000 });
    assert.equal(r.status, 408, r.response);
    assertErrorShape(rawBody(r.response), 'HFI_REQUEST_TIMEOUT');
    // Closed after the timeout, and well before Node's own defaults (60 s for headers, checked every 30 s).
    assert.ok(r.closedAfterMs >= TIMEOUT_MS * 0.9, `closed after ${r.closedAfterMs} ms`);
    assert.ok(r.closedAfterMs < TIMEOUT_MS * 4, `closed after ${r.closedAfterMs} ms`);
  });

  test('a body that arrives too slowly is cut off by the same timeout, answered 408', async () => {
    const head = 'POST /v1/policies HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{';
    const r = await rawExchange(port, head, { chunks: Array.from({ length: 100 }, () => ' '), intervalMs: 100, timeoutMs: 15_000 });
    assert.equal(r.status, 408, r.response);
    assertErrorShape(rawBody(r.response), 'HFI_REQUEST_TIMEOUT');
    assert.ok(r.closedAfterMs < TIMEOUT_MS * 4, `closed after ${r.closedAfterMs} ms`);
  });

  test('a token in the query string is refused and never logged (request line, errors)', async () => {
    const secret = 'sekrit-token-0123456789';
    const http = httpClient(`http://127.0.0.1:${port}`);
    await http('GET', `/v1/ruleset?service=frontend&token=${secret}`);
    await http('GET', `/v1/policies/x?access_token=${secret}`);
    await http('GET', `/v1/nope?${secret}`);
    await http('GET', `/v1/policies/%E0%A4%A?token=${secret}`);
    await http('GET', `/v1/ruleset?service=a&service=b&token=${secret}`);
    assert.ok(logged.includes('"url":"/v1/ruleset?service=frontend&token=[redacted]"'), logged.slice(-2000));
    assert.ok(!logged.includes(secret), 'the token was logged');
  });
});

test('loggableUrl keeps the parameters the API reads and hides the values of all others', () => {
  assert.equal(loggableUrl('/v1/policies'), '/v1/policies');
  assert.equal(loggableUrl('/v1/policies?dryRun=true&token=x'), '/v1/policies?dryRun=true&token=[redacted]');
  assert.equal(loggableUrl('/v1/ruleset?service=a&namespace=b'), '/v1/ruleset?service=a&namespace=b');
  assert.equal(loggableUrl('/x?abcdef'), '/x?[redacted]');
});
