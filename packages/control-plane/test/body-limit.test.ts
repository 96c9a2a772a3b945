// The body limit is sized to the largest valid policy: each shape of policy grown to just under
// LIMITS.policyBytes is accepted as hfi-cli sends it (compact JSON) and as a person might (indented JSON as
// `hfi-cli policy get -o json` prints it, YAML as `-o yaml` prints it); one byte over the limit is 413.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_LIMITS } from '@hfi/api';
import { LIMITS, validatePolicy } from '@hfi/policy';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { httpClient, listen, type TestClient } from './helpers/client.js';
import { makeApp } from './helpers/fixtures.js';

type Shape = (n: number) => Record<string, unknown>;

/** Large strings: abort bodies of n bytes, as many rules as fit. */
const bodies: Shape = (n) => ({
  metadata: { name: 'bodies' },
  spec: { rules: Array.from({ length: 31 }, () => ({ fault: { percentage: 1, abort: { httpStatus: 503, body: 'b'.repeat(n) } } })) },
});
/** Many small fields: 100 rules of 16 header conditions and 16 abort headers, values n characters long. */
const fields: Shape = (n) => ({
  metadata: { name: 'fields', labels: Object.fromEntries(Array.from({ length: LIMITS.labelsMax }, (_, i) => [`team-${i}`, 'web'])) },
  spec: {
    rules: Array.from({ length: LIMITS.rulesPerPolicy }, (_, r) => ({
      match: {
        path: { prefix: `/api/${r}` },
        method: { exact: 'GET' },
        headers: Array.from({ length: LIMITS.headersPerRule }, (_, h) => ({ name: `x-h${h}`, exact: 'v'.repeat(n) })),
      },
      fault: {
        percentage: 1,
        abort: {
          httpStatus: 503,
          headers: Object.fromEntries(Array.from({ length: LIMITS.abortHeaders }, (_, h) => [`x-a${h}`, 'w'.repeat(n)])),
        },
      },
    })),
  },
});
/** Characters JSON escapes as six bytes (`\u0001`). */
const escapes: Shape = (n) => ({
  metadata: { name: 'escapes' },
  spec: { rules: Array.from({ length: 31 }, () => ({ fault: { percentage: 1, abort: { httpStatus: 503, body: '\u0001'.repeat(n) } } })) },
});

/** The shape at the largest n whose canonical JSON still fits LIMITS.policyBytes (and the canonical policy). */
function largest(shape: Shape): Record<string, unknown> {
  const canonicalBytes = (n: number): number => {
    const r = validatePolicy(shape(n));
    if (r.ok) return Buffer.byteLength(JSON.stringify(r.policy));
    return r.errors.some((e) => /canonical JSON/.test(e.message)) ? Number.POSITIVE_INFINITY : Number.NaN;
  };
  let lo = 1;
  let hi = LIMITS.abortBodyBytes;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (canonicalBytes(mid) <= LIMITS.policyBytes) lo = mid;
    else hi = mid - 1;
  }
  const r = validatePolicy(shape(lo));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors.slice(0, 3)));
  return r.policy as unknown as Record<string, unknown>;
}

describe('body limit', () => {
  let app: FastifyInstance;
  let call: TestClient;
  before(async () => {
    app = await makeApp();
    call = httpClient(await listen(app));
  });
  after(() => app.close());

  for (const [name, shape] of Object.entries({ bodies, fields, escapes })) {
    test(`the largest valid policy of shape "${name}" is accepted as compact JSON, indented JSON and YAML`, async () => {
      const policy = largest(shape);
      const formats = {
        'application/json': JSON.stringify(policy),
        'application/json ': JSON.stringify(policy, null, 2),
        'application/yaml': stringify(policy, { lineWidth: 0 }),
      };
      for (const [type, body] of Object.entries(formats)) {
        const bytes = Buffer.byteLength(body);
        assert.ok(bytes <= API_LIMITS.bodyBytes, `${name} as ${type}: ${bytes} bytes > ${API_LIMITS.bodyBytes}`);
        const r = await call('POST', '/v1/policies?dryRun=true', { body, contentType: type.trim() });
        assert.equal(r.status, 200, `${name} as ${type} (${bytes} bytes): ${r.text.slice(0, 300)}`);
      }
    });
  }

  test('a body of API_LIMITS.bodyBytes + 1 is 413 HFI_BODY_TOO_LARGE', async () => {
    const body = JSON.stringify({ metadata: { name: 'x' }, pad: 'x'.repeat(API_LIMITS.bodyBytes) }).slice(0, API_LIMITS.bodyBytes + 1);
    const r = await call('POST', '/v1/policies', { body, contentType: 'application/json' });
    assert.equal(r.status, 413);
    assert.equal(r.json().code, 'HFI_BODY_TOO_LARGE');
  });
});
