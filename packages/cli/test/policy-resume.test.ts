// policy resume against the real control plane: a policy no stop condition stopped, or none at all, is not
// resumed (exit 3, the server's reason); the others named are.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain } from './support/cli.js';

let cp: RunningControlPlane;
before(async () => {
  cp = await startControlPlane();
  const policy = {
    metadata: { name: 'checkout-abort' },
    spec: { selector: { service: 'checkout', namespace: 'demo' }, rules: [{ fault: { abort: { httpStatus: 503 } } }] },
  };
  const r = await fetch(`${cp.url}/v1/policies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(policy),
  });
  assert.equal(r.status, 201);
});
after(() => cp?.stop());

test('policy resume: not stopped by a stop condition, or no such policy: exit 3 with the reason', async () => {
  const r = await cli(['policy', 'resume', 'checkout-abort', 'nope'], { server: cp.url });
  assert.equal(r.code, 3, explain(r));
  assert.match(r.stderr, /policy "checkout-abort" is not stopped by a stop condition \(halts are resumed with DELETE \/v1\/halt\)/);
  assert.match(r.stderr, /policy "nope" not found/);
  assert.match(r.stderr, /2 of 2 not resumed: checkout-abort, nope/);
});
