// policy delete by name, by file and --all, against the real control plane.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain } from './support/cli.js';
import { TESTDATA } from './support/paths.js';

let cp: RunningControlPlane;

before(async () => {
  cp = await startControlPlane();
});
after(async () => {
  await cp?.stop();
});
beforeEach(async () => {
  // Each test starts with the five testdata policies (written over HTTP: apply has its own tests).
  for (const name of await names()) await fetch(`${cp.url}/v1/policies/${name.slice('policy/'.length)}`, { method: 'DELETE' });
  for (const file of ['api-delay.yaml', 'checkout.yaml', 'dir/a.yaml', 'dir/nested/b.json']) {
    const text = readFileSync(join(TESTDATA, 'policies', file), 'utf8');
    for (const doc of text.split(/^---$/m)) {
      const r = await fetch(`${cp.url}/v1/policies`, {
        method: 'POST',
        headers: { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/yaml' },
        body: doc,
      });
      assert.ok(r.ok, await r.text());
    }
  }
});

/** What the server holds, asked over HTTP directly (saves a CLI start per check). */
async function names(): Promise<string[]> {
  const body = (await (await fetch(`${cp.url}/v1/policies`)).json()) as { items: Array<{ metadata: { name: string } }> };
  return body.items.map((p) => `policy/${p.metadata.name}`).sort();
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
