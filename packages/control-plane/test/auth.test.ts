// Tokens: admin writes and reads, read tokens read, the data-plane token polls; health needs none.

import assert from 'node:assert/strict';
import { get } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { authWith, makeApp, policy, pollBody, testConfig } from './helpers/fixtures.js';

const ADMIN = 'admin-secret-0123456789';
const READER = 'reader-secret-abcdef';
const DATAPLANE = 'dataplane-secret-xyz';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('authentication', () => {
  let app: FastifyInstance;
  let call: TestClient;
  let base = '';
  let logged = '';
  /** Status of the SSE stream's answer; the stream never ends, so the connection is dropped after the head. */
  const streamStatus = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const request = get(`${base}/v1/config/stream`, { headers }, (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
    });
  before(async () => {
    const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
    const logger = pino(
      { level: 'debug', redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' } },
      sink,
    );
    app = await makeApp({
      logger,
      config: testConfig({ auth: authWith({ admin: ADMIN, read: [READER], dataplane: DATAPLANE }) }),
    });
    base = await listen(app);
    call = httpClient(base);
  });
  after(() => app.close());

  test('health, ready and metrics need no token', async () => {
    for (const url of ['/v1/health', '/health', '/ready', '/v1/metrics']) assert.equal((await call('GET', url)).status, 200, url);
  });

  test('no token or a wrong token is 401', async () => {
    const none = await call('GET', '/v1/policies');
    assert.equal(none.status, 401);
    assert.equal(none.json().code, 'HFI_UNAUTHORIZED');
    assert.equal((await call('GET', '/v1/policies', { headers: bearer('nope') })).status, 401);
    assert.equal((await call('POST', '/v1/policies', { body: policy('x'), headers: { authorization: ADMIN } })).status, 401);
    assert.equal((await call('POST', '/v1/dataplane/poll', { body: pollBody() })).status, 401);
  });

  test('admin writes and reads; a read token reads but may not write (403)', async () => {
    assert.equal((await call('POST', '/v1/policies', { body: policy('guarded'), headers: bearer(ADMIN) })).status, 201);
    assert.equal((await call('GET', '/v1/policies/guarded', { headers: bearer(ADMIN) })).status, 200);
    assert.equal((await call('GET', '/v1/policies', { headers: bearer(READER) })).status, 200);
    assert.equal((await call('GET', '/v1/ruleset', { headers: bearer(READER) })).status, 200);
    const write = await call('DELETE', '/v1/policies/guarded', { headers: bearer(READER) });
    assert.equal(write.status, 403);
    assert.equal(write.json().code, 'HFI_FORBIDDEN');
  });

  test('the data-plane token polls but cannot read the API', async () => {
    assert.equal((await call('POST', '/v1/dataplane/poll', { body: pollBody(), headers: bearer(DATAPLANE) })).status, 200);
    assert.equal((await call('GET', '/v1/policies', { headers: bearer(DATAPLANE) })).status, 403);
    assert.equal((await call('POST', '/v1/dataplane/poll', { body: pollBody(), headers: bearer(READER) })).status, 403);
  });

  test('the SSE stream is open to read-only tools and data planes, not to anonymous callers', async () => {
    assert.equal(await streamStatus({}), 401);
    assert.equal(await streamStatus(bearer(READER)), 200);
    assert.equal(await streamStatus(bearer(DATAPLANE)), 200);
    assert.equal(await streamStatus(bearer(ADMIN)), 200);
  });

  test('tokens never reach the logs', async () => {
    assert.ok(logged.includes('"route":"/v1/policies"'), 'expected request log lines');
    for (const secret of [ADMIN, READER, DATAPLANE]) assert.ok(!logged.includes(secret), `${secret} was logged`);
  });
});

describe('only a read token configured', () => {
  let app: FastifyInstance;
  let call: TestClient;
  before(async () => {
    app = await makeApp({ config: testConfig({ auth: authWith({ read: [READER] }) }) });
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  test('writes need the admin token: without a token 401, with the read token 403; reads need the read token', async () => {
    const anonymous = await call('POST', '/v1/policies', { body: policy('open-write') });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json().code, 'HFI_UNAUTHORIZED');
    assert.equal((await call('DELETE', '/v1/policies/open-write')).status, 401);
    const reader = await call('POST', '/v1/policies', { body: policy('open-write'), headers: bearer(READER) });
    assert.equal(reader.status, 403);
    assert.equal(reader.json().code, 'HFI_FORBIDDEN');
    assert.equal((await call('GET', '/v1/policies')).status, 401);
    assert.deepEqual((await call('GET', '/v1/policies', { headers: bearer(READER) })).json().items, []);
  });
});
