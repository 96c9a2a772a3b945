// The bad-input suite: one fixture per refusal in testdata/bad-input/ (the request as data, and the expected
// status, code and field), each run over real HTTP (raw sockets for what fetch cannot send), checking that
// the answer is the documented {code, message, details}, names the field, and leaves the store as it was.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { API_LIMITS } from '@hfi/api';
import { rawBody, rawExchange } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';
import type { ControlPlaneConfig } from '../src/config/config.js';
import { MemoryPolicyStore } from '../src/store/memory.js';
import { httpClient, listen } from './helpers/client.js';
import { authWith, makeApp, policy, storeDefaults, T0, testConfig } from './helpers/fixtures.js';

interface Fixture {
  case: string;
  server: keyof typeof SERVERS;
  request: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    contentType?: string;
    body?: string;
    /** A body (or raw request) too large or too repetitive to keep as data: built by GENERATED. */
    generate?: keyof typeof GENERATED;
    /** Sent as bytes on a socket, e.g. what Node's parser refuses. */
    raw?: string;
    drip?: { chunk: string; count: number; intervalMs: number };
  };
  expect: { status: number; code: string; field: string | null };
}

const dir = new URL('../../testdata/bad-input/', import.meta.url).pathname;
const fixtures = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture }));

const ADMIN = 'admin-secret-0123456789';
const SERVERS = {
  open: testConfig({ requestTimeoutMs: 1_000, regexBudgetMs: 500 }),
  tokens: testConfig({
    auth: authWith({ admin: ADMIN, read: ['reader-secret-abcdef'], dataplane: 'dataplane-secret-xyz' }),
  }),
  'read-token-only': testConfig({ auth: authWith({ read: ['reader-secret-abcdef'] }) }),
  full: testConfig({ maxPolicies: 3 }),
} satisfies Record<string, ControlPlaneConfig>;

const GENERATED = {
  'nested-200k': () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  'wide-40k': () => Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n'),
  'policy-300k': () =>
    JSON.stringify({
      metadata: { name: 'too-large' },
      spec: {
        rules: Array.from({ length: 40 }, () => ({ fault: { percentage: 1, abort: { httpStatus: 503, body: 'x'.repeat(8_000) } } })),
      },
    }),
  'costly-regexes': () =>
    JSON.stringify({
      metadata: { name: 'hostile' },
      spec: {
        rules: Array.from({ length: 17 }, (_, i) => ({
          match: { path: { regex: `.*(.{0,9}a|.{0,9}b){1,${20 + i}}` } },
          fault: { delay_ms: 1 },
        })),
      },
    }),
  'over-body-limit': () => JSON.stringify({ ...policy('huge'), padding: 'x'.repeat(API_LIMITS.bodyBytes) }),
  'huge-header': () => `GET /v1/health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`,
};

describe('bad input (testdata/bad-input)', () => {
  const servers = new Map<string, { app: FastifyInstance; store: MemoryPolicyStore; port: number }>();
  before(async () => {
    for (const [name, config] of Object.entries(SERVERS)) {
      const store = new MemoryPolicyStore({ maxPolicies: config.maxPolicies, ...storeDefaults });
      for (const seed of ['seed-a', 'seed-b', 'seed-c']) await store.put(policy(seed) as never, { nowMs: T0 });
      const app = await makeApp({ config, store });
      servers.set(name, { app, store, port: Number(new URL(await listen(app)).port) });
    }
  });
  after(async () => {
    for (const { app } of servers.values()) await app.close();
  });

  for (const { file, fixture } of fixtures) {
    test(`${file}: ${fixture.case}`, async () => {
      const { store, port } = servers.get(fixture.server)!;
      const before = await store.list();
      const { status, body } = await send(port, fixture.request);
      assert.equal(status, fixture.expect.status, JSON.stringify(body));
      const b = body as { code: string; message: string; details: { path: string; message: string }[] };
      assert.deepEqual(Object.keys(b).sort(), ['code', 'details', 'message'], 'the documented error shape');
      assert.equal(b.code, fixture.expect.code);
      assert.equal(typeof b.message, 'string');
      assert.ok(Array.isArray(b.details));
      if (fixture.expect.field !== null) {
        assert.ok(
          b.details.some((d) => d.path === fixture.expect.field),
          `no detail names ${JSON.stringify(fixture.expect.field)}: ${JSON.stringify(b.details).slice(0, 500)}`,
        );
      }
      assert.deepEqual(await store.list(), before, 'the store is unchanged');
    });
  }
});

async function send(port: number, request: Fixture['request']): Promise<{ status: number; body: unknown }> {
  const generated = request.generate ? GENERATED[request.generate]() : undefined;
  const raw = request.raw ?? (request.generate === 'huge-header' ? generated : undefined);
  if (raw !== undefined) {
    const drip = request.drip;
    const r = await rawExchange(port, raw, drip ? { chunks: Array(drip.count).fill(drip.chunk), intervalMs: drip.intervalMs } : {});
    return { status: r.status, body: rawBody(r.response) };
  }
  const call = httpClient(`http://127.0.0.1:${port}`);
  const body = generated ?? request.body;
  const r = await call(request.method ?? 'GET', request.path ?? '/', {
    ...(body !== undefined ? { body, contentType: request.contentType ?? 'application/json' } : {}),
    ...(request.headers ? { headers: request.headers } : {}),
  });
  return { status: r.status, body: r.json() };
}
