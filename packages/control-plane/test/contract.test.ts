// The API keeps its contract: the OpenAPI document it serves is the committed docs/openapi.json, every
// answer fits the schema that document gives for its route and status, and input a schema refuses comes
// back as HFI_INVALID_REQUEST naming the field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMPONENT_SCHEMAS, compileChecker, LATENCY_BUCKETS } from '@hfi/api';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ManualClock, makeApp, policy, pollBody } from './helpers/fixtures.js';

const committed = fileURLToPath(new URL('../../../../docs/openapi.json', import.meta.url));

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string; anyOf?: { $ref?: string }[] } }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

let app: FastifyInstance;
let served: Document;
const clock = new ManualClock();
before(async () => {
  app = await makeApp({ clock, version: '0.1.0' });
  await app.ready();
  served = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
});
after(() => app.close());

test('GET /v1/openapi.json serves the committed docs/openapi.json (`npm run openapi` rewrites it)', () => {
  const expected = JSON.parse(readFileSync(committed, 'utf8'));
  assert.deepEqual(served, expected, 'the API changed: run `npm run openapi` and commit docs/openapi.json');
});

test('the document says what a client may leave out: the body of POST /v1/halt (no body halts everything)', async () => {
  const operations = served.paths['/v1/halt'] as unknown as Record<string, { requestBody?: { required?: boolean } }>;
  assert.equal(operations.post?.requestBody?.required, false);
  assert.equal(operations.post && 'x-hfi-optional-body' in operations.post, false, 'the marker stays out of the document');
  const halted = await app.inject({ method: 'POST', url: '/v1/halt' });
  assert.equal(halted.statusCode, 201);
  assert.deepEqual(halted.json().selector, { service: '*', namespace: '*' });
  await app.inject({ method: 'DELETE', url: '/v1/halt' });
});

test('every answer fits the schema the document gives for its route and status; every operation is exercised', async () => {
  const exercised = new Set<string>();
  const checkers = new Map<string, ReturnType<typeof compileChecker>>();
  const checkerFor = (name: string) => {
    let checker = checkers.get(name);
    if (!checker) {
      const schema = COMPONENT_SCHEMAS.find((s) => s.$id === name);
      assert.ok(schema, `no component schema ${name}`);
      checker = compileChecker(schema as TSchema, [...COMPONENT_SCHEMAS]);
      checkers.set(name, checker);
    }
    return checker;
  };
  const call = async (method: string, template: string, url = template, body?: unknown) => {
    const r = await app.inject({ method: method as 'GET', url, ...(body !== undefined ? { payload: body as object } : {}) });
    const operation = served.paths[template]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${template} is not documented`);
    const documented = operation.responses[String(r.statusCode)] ?? operation.responses[`${String(r.statusCode)[0]}XX`];
    assert.ok(documented, `${method} ${url} answered ${r.statusCode}, which the document does not list`);
    const schema = documented.content?.['application/json']?.schema;
    // One component, or a choice of components (anyOf): the body fits one of them.
    const names = (schema?.$ref ? [schema.$ref] : (schema?.anyOf ?? []).map((s) => s.$ref ?? '')).map((ref) =>
      ref.replace('#/components/schemas/', ''),
    );
    if (names.length > 0) {
      const misfits = names.map((name) => checkerFor(name).errors(r.json()));
      assert.ok(
        misfits.some((errors) => errors.length === 0),
        `${method} ${url} ${r.statusCode}: the body does not fit ${names.join(' or ')}: ${JSON.stringify(misfits)}`,
      );
    } else {
      assert.ok(documented.content === undefined || r.body.length > 0, `${method} ${url}`);
    }
    exercised.add(`${method} ${template}`);
    return r;
  };

  await call('GET', '/v1/health');
  await call('GET', '/ready');
  await call('GET', '/v1/metrics');
  const p = policy('contract', { durationSeconds: 60 });
  await call('POST', '/v1/policies', '/v1/policies?dryRun=true', p);
  const created = await call('POST', '/v1/policies', '/v1/policies', p);
  assert.equal(created.statusCode, 201);
  await call('POST', '/v1/policies', '/v1/policies', { ...p, spec: { rules: [] } }); // 400 HFI_INVALID_POLICY
  await call('POST', '/v1/policies', '/v1/policies', policy('contract', { version: '1' })); // 409
  await call('POST', '/v1/dataplane/poll', '/v1/dataplane/poll', pollBody()); // 200: the rule set
  const { epoch, version } = (await app.inject({ method: 'GET', url: '/v1/ruleset' })).json();
  const unchanged = await call('POST', '/v1/dataplane/poll', '/v1/dataplane/poll', pollBody({ epoch, version }));
  assert.equal(unchanged.statusCode, 304);
  await call('POST', '/v1/dataplane/poll', '/v1/dataplane/poll', { ...pollBody(), holdMs: -1 }); // 400
  await call('GET', '/v1/dataplanes');
  await call('GET', '/v1/policies');
  await call('GET', '/v1/policies/status');
  await call('GET', '/v1/policies/{name}', '/v1/policies/contract');
  await call('GET', '/v1/policies/{name}', '/v1/policies/absent'); // 404
  await call('GET', '/v1/ruleset');
  await call('GET', '/v1/ruleset', '/v1/ruleset?service=frontend&namespace=demo');
  const halted = await call('POST', '/v1/halt', '/v1/halt', { reason: 'contract', selector: { service: 'frontend' } });
  assert.equal(halted.statusCode, 201);
  assert.equal((await call('POST', '/v1/halt', '/v1/halt', { reason: 'again', selector: { service: 'frontend' } })).statusCode, 200);
  await call('POST', '/v1/halt', '/v1/halt', { selector: { service: 'Not A Name' } }); // 400
  await call('GET', '/v1/policies/{name}', '/v1/policies/contract'); // its status lists the halt
  await call('GET', '/v1/ruleset', '/v1/ruleset?service=frontend&namespace=demo'); // no rules, the halt
  await call('GET', '/v1/halt');
  await call('DELETE', '/v1/halt', '/v1/halt?service=nobody'); // 404
  assert.equal((await call('DELETE', '/v1/halt')).statusCode, 200);
  await call('POST', '/v1/policies/{name}/resume', '/v1/policies/contract/resume'); // 404: no stop condition stopped it
  await call('DELETE', '/v1/policies/{name}', '/v1/policies/contract');
  const history = await call('GET', '/v1/audit', '/v1/audit?limit=50');
  assert.deepEqual(
    history.json().items.map((e: { kind: string }) => e.kind),
    ['delete', 'resume', 'halt', 'halt', 'create', 'resume', 'halt'],
    'newest first, back to the halt of the test before',
  );
  await call('GET', '/v1/audit', '/v1/audit?policy=contract&kind=create');
  assert.equal((await call('GET', '/v1/audit', '/v1/audit?limit=0')).statusCode, 400);
  const latency = Array.from({ length: LATENCY_BUCKETS }, (_, i) => (i === 3 ? 2 : 0));
  const report = { seq: 1, status: [2, 0, 0, 0, 0], local: [0, 0, 0, 0, 0], faulted: 0, latency };
  const identity = { service: 'frontend', namespace: 'demo', pod: 'pod-1' };
  await call('POST', '/v1/dataplane/report', '/v1/dataplane/report', { wireVersion: 2, identity, instance: 'pod-1/vm1', outcomes: report });
  await call('POST', '/v1/dataplane/report', '/v1/dataplane/report', { identity }); // 400
  await call('GET', '/v1/workloads', '/v1/workloads?window=30s');
  assert.equal((await call('GET', '/v1/workloads', '/v1/workloads?window=1h')).statusCode, 400);

  // The SSE stream never ends while the server runs; test/distribution.test.ts reads it over HTTP.
  const documented = Object.entries(served.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  assert.deepEqual(
    documented.filter((op) => !exercised.has(op)),
    ['GET /v1/config/stream'],
  );
});

test('input a schema refuses is 400 HFI_INVALID_REQUEST naming the field and what was expected', async () => {
  const poll = await app.inject({ method: 'POST', url: '/v1/dataplane/poll', payload: { ...pollBody(), holdMs: 'soon' } });
  assert.equal(poll.statusCode, 400);
  assert.deepEqual(poll.json(), {
    code: 'HFI_INVALID_REQUEST',
    message: 'invalid body: holdMs: expected integer, found string "soon"',
    details: [{ path: 'holdMs', message: 'expected integer, found string "soon"' }],
  });
  const query = await app.inject({ method: 'POST', url: '/v1/policies?dryRun=maybe', payload: policy('q') });
  assert.equal(query.statusCode, 400);
  assert.equal(query.json().code, 'HFI_INVALID_REQUEST');
  assert.deepEqual(query.json().details, [
    { path: 'dryRun', message: 'expected one of "true", "false", "1", "0", "", found string "maybe"' },
  ]);
});
