// policy delete by name, by file and --all, against the real control plane.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { cli, explain } from './support/cli.js';
import { startControlPlane, type RunningControlPlane } from './support/control-plane.js';

let cp: RunningControlPlane;

before(async () => {
  cp = await startControlPlane();
});
after(async () => {
  await cp?.stop();
});
beforeEach(async () => {
  const r = await cli(['policy', 'apply', '-f', 'testdata/policies'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
});

async function names(): Promise<string[]> {
  return (await cli(['policy', 'list', '-o', 'name'], { server: cp.url })).stdout.split('\n').filter(Boolean);
}

test('delete NAME... deletes each and prints policy/<name> deleted', async () => {
  const r = await cli(['policy', 'delete', 'dir-a', 'dir-b'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.stdout, 'policy/dir-a deleted\npolicy/dir-b deleted\n');
  assert.deepEqual(await names(), ['policy/api-delay', 'policy/checkout-abort', 'policy/everything-slow']);
});

test('delete of an unknown name deletes the others and exits 3', async () => {
  const r = await cli(['policy', 'delete', 'no-such', 'dir-a'], { server: cp.url });
  assert.equal(r.code, 3, explain(r));
  assert.equal(r.stdout, 'policy/dir-a deleted\n');
  assert.match(r.stderr, /^error: policy "no-such" not found$/m);
});

test('delete -f FILE deletes the policies that file defines', async () => {
  const r = await cli(['policy', 'delete', '-f', 'testdata/policies/checkout.yaml'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.stdout, 'policy/checkout-abort deleted\npolicy/everything-slow deleted\n');
  assert.deepEqual(await names(), ['policy/api-delay', 'policy/dir-a', 'policy/dir-b']);
});

test('delete --all without a terminal and without --yes refuses with exit 2 and deletes nothing', async () => {
  const r = await cli(['policy', 'delete', '--all'], { server: cp.url });
  assert.equal(r.code, 2, explain(r));
  assert.match(r.stderr, /--yes/);
  assert.equal((await names()).length, 5);
});

test('delete --all --yes deletes everything', async () => {
  const r = await cli(['policy', 'delete', '--all', '--yes'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.stdout.split('\n').filter((l) => l.endsWith(' deleted')).length, 5);
  assert.deepEqual(await names(), []);
});

test('delete with nothing named, or --all with names, is a usage error', async () => {
  const none = await cli(['policy', 'delete'], { server: cp.url });
  assert.equal(none.code, 2, explain(none));
  const both = await cli(['policy', 'delete', 'dir-a', '--all', '--yes'], { server: cp.url });
  assert.equal(both.code, 2, explain(both));
  assert.equal((await names()).length, 5);
});
