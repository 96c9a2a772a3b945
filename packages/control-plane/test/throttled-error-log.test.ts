// A store that stays down must not flood the log: one line, then one reminder per interval with a count.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { ThrottledErrorLog } from '../src/throttled-error-log.js';

test('repeated failures of one operation log once per interval, with the number left out', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(JSON.parse(chunk.toString())), cb()) });
  let now = 1_000_000;
  const log = new ThrottledErrorLog(pino(sink) as unknown as FastifyBaseLogger, { now: () => now }, 'etcd operation failed', 30_000);
  for (let i = 0; i < 100; i++, now += 300) log.report('list', new Error('connect ECONNREFUSED'));
  log.report('put', new Error('connect ECONNREFUSED'));
  // 100 attempts over 30 s: the first is logged, the other 99 fall within the interval; 'put' is its own operation.
  assert.deepEqual(
    lines.map((l) => l.operation),
    ['list', 'put'],
  );
  now += 30_000;
  log.report('list', new Error('connect ECONNREFUSED'));
  assert.equal(lines.length, 3);
  assert.equal(lines[2]!.suppressedSinceLast, 99);
  assert.equal(lines[2]!.msg, 'etcd operation failed');
});
