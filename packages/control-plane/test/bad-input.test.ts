// Input that must be refused cleanly: nothing crashes, nothing stored is corrupted.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '@hfi/policy';
import type { FastifyInstance } from 'fastify';
import { httpClient, injectClient, listen, type TestClient } from './helpers/client.js';
import { makeApp, policy, pollBody, testConfig } from './helpers/fixtures.js';

function assertError(r: { status: number; json(): any }, status: number, code: string): any {
  assert.equal(r.status, status);
  const body = r.json();
  assert.equal(body.code, code);
  assert.equal(typeof body.message, 'string');
  assert.ok(Array.isArray(body.details));
  return body;
}

describe('bad input', () => {
  let app: FastifyInstance;
  let call: TestClient;
  let http: TestClient;
  before(async () => {
    app = await makeApp({ config: testConfig({ maxPolicies: 3 }) });
    http = httpClient(await listen(app));
    call = injectClient(app);
  });
  after(() => app.close());

  test('malformed JSON and YAML are 400 HFI_MALFORMED_BODY', async () => {
    assertError(
      await call('POST', '/v1/policies', { body: '{"apiVersion": "v1", ', contentType: 'application/json' }),
      400,
      'HFI_MALFORMED_BODY',
    );
    assertError(
      await call('POST', '/v1/policies', { body: 'metadata: [unclosed\n  - : :', contentType: 'application/yaml' }),
      400,
      'HFI_MALFORMED_BODY',
    );
    assertError(await call('POST', '/v1/policies', { body: '', contentType: 'application/json' }), 400, 'HFI_MALFORMED_BODY');
    const twoDocs = await call('POST', '/v1/policies', { body: 'a: 1\n---\nb: 2\n', contentType: 'application/yaml' });
    assert.match(assertError(twoDocs, 400, 'HFI_MALFORMED_BODY').message, /one policy/);
  });

  test('wrong types are 400 HFI_INVALID_POLICY naming the field', async () => {
    const bad = policy('typed') as any;
    bad.spec.rules[0].fault.percentage = 'fifty';
    const body = assertError(await call('POST', '/v1/policies', { body: bad }), 400, 'HFI_INVALID_POLICY');
    assert.ok(
      body.details.some((d: any) => d.path === 'spec.rules[0].fault.percentage'),
      JSON.stringify(body.details),
    );
    for (const value of [null, 42, 'text', [1, 2]]) {
      assertError(
        await call('POST', '/v1/policies', { body: JSON.stringify(value), contentType: 'application/json' }),
        400,
        'HFI_INVALID_POLICY',
      );
    }
  });

  test('a body over the limit is 413 JSON, over real HTTP', async () => {
    const huge = JSON.stringify({ ...policy('huge'), padding: 'x'.repeat(1024 * 1024 + 10) });
    assertError(await http('POST', '/v1/policies', { body: huge, contentType: 'application/json' }), 413, 'HFI_BODY_TOO_LARGE');
    assert.equal((await http('GET', '/v1/health')).status, 200);
  });

  test('a policy with 1,000 rules is 400 naming the limit', async () => {
    const p = policy('many-rules') as any;
    p.spec.rules = Array.from({ length: 1_000 }, () => p.spec.rules[0]);
    const body = assertError(await http('POST', '/v1/policies', { body: p }), 400, 'HFI_INVALID_POLICY');
    assert.ok(JSON.stringify(body).includes(String(LIMITS.rulesPerPolicy)), JSON.stringify(body).slice(0, 300));
  });

  test('names with slashes or Unicode: 400 on write, 404 on read', async () => {
    assertError(await call('POST', '/v1/policies', { body: policy('a/b') }), 400, 'HFI_INVALID_POLICY');
    assertError(await call('POST', '/v1/policies', { body: policy('café') }), 400, 'HFI_INVALID_POLICY');
    assertError(await call('POST', '/v1/policies', { body: policy('status') }), 400, 'HFI_INVALID_POLICY');
    assertError(await http('GET', '/v1/policies/a/b'), 404, 'HFI_NOT_FOUND');
    assertError(await http('GET', '/v1/policies/a%2Fb'), 404, 'HFI_NOT_FOUND');
    assertError(await http('GET', '/v1/policies/caf%C3%A9'), 404, 'HFI_NOT_FOUND');
    assertError(await http('DELETE', '/v1/policies/%F0%9F%92%A5'), 404, 'HFI_NOT_FOUND');
    const badEscape = await http('GET', '/v1/policies/%E0%A4%A');
    assert.ok(badEscape.status === 400 || badEscape.status === 404);
    assert.ok(['HFI_INVALID_REQUEST', 'HFI_NOT_FOUND'].includes(badEscape.json().code));
  });

  test('unsupported content type is 415', async () => {
    assertError(
      await call('POST', '/v1/policies', { body: 'name=x', contentType: 'application/x-www-form-urlencoded' }),
      415,
      'HFI_UNSUPPORTED_MEDIA_TYPE',
    );
    assertError(await http('POST', '/v1/policies', { body: '<policy/>', contentType: 'text/xml' }), 415, 'HFI_UNSUPPORTED_MEDIA_TYPE');
  });

  test('concurrent updates of one policy: exactly one wins per version, the others get 409', async () => {
    const v = (await http('POST', '/v1/policies', { body: policy('contended') })).json().metadata.version;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => http('POST', '/v1/policies', { body: policy('contended', { version: v, percentage: i + 1 }) })),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 9);
    const winner = results.find((r) => r.status === 200)!.json();
    assert.deepEqual((await http('GET', '/v1/policies/contended')).json().spec, winner.spec);
  });

  test('MAX_POLICIES refuses a new policy with 422 HFI_POLICY_LIMIT; updates still work', async () => {
    const names = (await call('GET', '/v1/policies')).json().items.map((p: any) => p.metadata.name);
    for (let i = names.length; i < 3; i++) assert.equal((await call('POST', '/v1/policies', { body: policy(`fill-${i}`) })).status, 201);
    const body = assertError(await call('POST', '/v1/policies', { body: policy('one-too-many') }), 422, 'HFI_POLICY_LIMIT');
    assert.match(body.message, /MAX_POLICIES/);
    assertError(await call('POST', '/v1/policies?dryRun=true', { body: policy('one-too-many') }), 422, 'HFI_POLICY_LIMIT');
    assert.equal((await call('POST', '/v1/policies', { body: policy('contended', { percentage: 99 }) })).status, 200);
  });

  test('malformed polls are 400 with field details; bad query values are 400', async () => {
    const body = assertError(
      await call('POST', '/v1/dataplane/poll', { body: { ...pollBody(), version: -1, wireVersion: 0 } }),
      400,
      'HFI_INVALID_REQUEST',
    );
    assert.deepEqual(body.details.map((d: any) => d.path).sort(), ['version', 'wireVersion']);
    assertError(await call('POST', '/v1/dataplane/poll', { body: '[]', contentType: 'application/json' }), 400, 'HFI_INVALID_REQUEST');
    // Counters never refuse a poll (test/fault-counters.test.ts): a poll is answered whatever they hold.
    assert.equal((await call('POST', '/v1/dataplane/poll', { body: { ...pollBody(), counters: { rules: { x: 'y' } } } })).status, 200);
    assertError(await call('POST', '/v1/policies?dryRun=maybe', { body: policy('q') }), 400, 'HFI_INVALID_REQUEST');
    assertError(await call('GET', '/v1/ruleset?service=a&service=b'), 400, 'HFI_INVALID_REQUEST');
  });

  test('a poll body is read as plain JSON: malformed text is 400, a key given twice is not refused (the last wins), nesting beyond the limit is 400', async () => {
    const malformed = assertError(
      await call('POST', '/v1/dataplane/poll', { body: '{"wireVersion": 1, ', contentType: 'application/json' }),
      400,
      'HFI_MALFORMED_BODY',
    );
    assert.match(malformed.message, /not valid JSON/);
    const text = JSON.stringify({ ...pollBody(), holdMs: 0 });
    const twice = await call('POST', '/v1/dataplane/poll', { body: `{"version": -1, ${text.slice(1)}`, contentType: 'application/json' });
    assert.equal(twice.status, 200, 'the later "version" (0) is read');
    const nested = (depth: number) => `${text.slice(0, -1)}, "counters": ${'['.repeat(depth)}"[{\\"]"${']'.repeat(depth)}}`;
    // The body itself is level 1; brackets inside a string do not count.
    const deepest = await call('POST', '/v1/dataplane/poll', { body: nested(LIMITS.nestingDepth - 1), contentType: 'application/json' });
    assert.equal(deepest.status, 200, 'counters nested to the limit are dropped, the poll answered');
    const deep = assertError(
      await call('POST', '/v1/dataplane/poll', { body: nested(200_000), contentType: 'application/json' }),
      400,
      'HFI_MALFORMED_BODY',
    );
    assert.match(deep.message, new RegExp(`nested more than ${LIMITS.nestingDepth} deep`));
  });

  test('after all of it the server still serves and the store is intact', async () => {
    const items = (await http('GET', '/v1/policies')).json().items;
    assert.ok(items.length <= 3);
    for (const p of items) assert.match(p.metadata.version, /^\d+$/);
    assert.equal((await http('GET', '/ready')).status, 200);
  });
});
