// Request log lines: one per request at info, polls at debug only (with a request id then; at info a poll
// gets no logger of its own, and what it logs names its instance).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { injectClient } from './helpers/client.js';
import { makeApp, pollBody } from './helpers/fixtures.js';

async function logOf(level: 'info' | 'debug', requests: (call: ReturnType<typeof injectClient>) => Promise<void>) {
  let logged = '';
  const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
  const app = await makeApp({ logger: pino({ level }, sink) });
  await requests(injectClient(app));
  await app.close();
  return logged
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const poll = (call: ReturnType<typeof injectClient>) => call('POST', '/v1/dataplane/poll', { body: pollBody() });

test('at info a request logs one line with its request id; a poll logs none', async () => {
  const lines = await logOf('info', async (call) => {
    assert.equal((await call('GET', '/v1/policies')).status, 200);
    assert.equal((await poll(call)).status, 200);
  });
  const requests = lines.filter((l) => l.msg === 'request');
  assert.deepEqual(
    requests.map((l) => l.route),
    ['/v1/policies'],
  );
  assert.match(String(requests[0]!.reqId), /./);
});

test('at debug a poll logs its request line, with its request id', async () => {
  const lines = await logOf('debug', async (call) => {
    assert.equal((await poll(call)).status, 200);
  });
  const line = lines.find((l) => l.msg === 'request' && l.route === '/v1/dataplane/poll');
  assert.ok(line, 'a request line for the poll');
  assert.equal(line.statusCode, 200);
  assert.match(String(line.reqId), /./);
});
