// policy apply against the real control plane: files, directories, stdin, dry runs, overrides, refusals.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain } from './support/cli.js';
import { TESTDATA } from './support/paths.js';

let cp: RunningControlPlane;
const policies = join(TESTDATA, 'policies');
const rel = (p: string) => `testdata/${p}`;

before(async () => {
  cp = await startControlPlane();
});
after(async () => {
  await cp?.stop();
});
beforeEach(async () => {
  // Each test starts from an empty store.
  for (const name of await names()) await fetch(`${cp.url}/v1/policies/${name.slice('policy/'.length)}`, { method: 'DELETE' });
});

/** What the server holds, asked over HTTP directly (saves a CLI start per check). */
async function names(): Promise<string[]> {
  const body = (await (await fetch(`${cp.url}/v1/policies`)).json()) as { items: Array<{ metadata: { name: string } }> };
  return body.items.map((p) => `policy/${p.metadata.name}`).sort();
}

test('apply -f DIR applies every policy file below it, sorted, recursively, and reports each', async () => {
  const r = await cli(['policy', 'apply', '-f', rel('policies')], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.stdout, ['api-delay', 'checkout-abort', 'everything-slow', 'dir-a', 'dir-b'].map((n) => `policy/${n} created\n`).join(''));
  assert.deepEqual(await names(), ['policy/api-delay', 'policy/checkout-abort', 'policy/dir-a', 'policy/dir-b', 'policy/everything-slow']);
});

test('applying the same file again says unchanged; a changed file says configured', async () => {
  const file = rel('policies/api-delay.yaml');
  assert.equal((await cli(['policy', 'apply', '-f', file], { server: cp.url })).stdout, 'policy/api-delay created\n');
  const again = await cli(['policy', 'apply', '-f', file], { server: cp.url });
  assert.equal(again.stdout, 'policy/api-delay unchanged\n', explain(again));
  const changed = await cli(['policy', 'apply', '-f', file, '--duration-seconds', '120'], { server: cp.url });
  assert.equal(changed.stdout, 'policy/api-delay configured\n', explain(changed));
});

test('--duration-seconds overrides every rule of every policy', async () => {
  const r = await cli(['policy', 'apply', '-f', rel('policies/checkout.yaml'), '--duration-seconds', '5m'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  const list = ((await (await fetch(`${cp.url}/v1/policies`)).json()) as { items: unknown }).items as Array<{
    spec: { rules: Array<{ fault: { duration_seconds: number } }> };
  }>;
  assert.equal(list.length, 2);
  for (const p of list) for (const rule of p.spec.rules) assert.equal(rule.fault.duration_seconds, 300);
});

test('--dry-run validates on the server and writes nothing', async () => {
  const r = await cli(['policy', 'apply', '-f', rel('policies/checkout.yaml'), '--dry-run'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.stdout, 'policy/checkout-abort created (dry run)\npolicy/everything-slow created (dry run)\n');
  assert.deepEqual(await names(), []);
});

test('apply -f - reads stdin', async () => {
  const text = readFileSync(join(policies, 'api-delay.yaml'), 'utf8');
  const r = await cli(['policy', 'apply', '-f', '-'], { server: cp.url, stdin: text });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.stdout, 'policy/api-delay created\n');
});

test('one invalid document stops the whole batch before anything is written', async () => {
  const r = await cli(['policy', 'apply', '-f', rel('policies/api-delay.yaml'), '-f', rel('invalid/two-bad.yaml')], { server: cp.url });
  assert.equal(r.code, 1, explain(r));
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^testdata\/invalid\/two-bad\.yaml\[doc 1\]: metadata\.name: .*DNS-1123/);
  assert.match(lines[1] ?? '', /^testdata\/invalid\/two-bad\.yaml\[doc 1\]: spec\.rules\[0\]\.fault\.percentage: .*0 to 100/);
  assert.match(lines[2] ?? '', /^testdata\/invalid\/two-bad\.yaml\[doc 1\]: spec\.rules\[0\]\.fault\.abort\.httpStatus: /);
  assert.equal(lines[3], 'error: 3 validation errors in 1 file; nothing was applied');
  assert.deepEqual(await names(), [], 'the valid policies of the batch were not applied either');
});

test('a name used twice in one batch is refused, naming both places', async () => {
  const r = await cli(['policy', 'apply', '-f', rel('policies/dir'), '-f', rel('invalid/duplicate.yaml')], { server: cp.url });
  assert.equal(r.code, 1, explain(r));
  assert.match(
    r.stderr,
    /^testdata\/invalid\/duplicate\.yaml\[doc 0\]: metadata\.name: policy "dir-a" is also defined in testdata\/policies\/dir\/a\.yaml\[doc 0\]/m,
  );
  assert.deepEqual(await names(), []);
});

test('a refusal only the server knows about is mapped back to the file and document', async () => {
  // "status" passes the offline validator but is reserved by the API path /v1/policies/status.
  const doc = 'metadata:\n  name: status\nspec:\n  rules:\n    - fault: {percentage: 1, abort: {httpStatus: 500}}\n';
  const r = await cli(['policy', 'apply', '-f', rel('policies/api-delay.yaml'), '-f', '-'], { server: cp.url, stdin: doc });
  assert.equal(r.code, 1, explain(r));
  assert.match(r.stderr, /^<stdin>\[doc 0\]: metadata\.name: .*reserved/m);
  assert.match(r.stderr, /error: the server refused 1 policy; nothing was applied/);
  assert.deepEqual(await names(), [], 'the dry run caught it before api-delay was written');
});

test('a stale metadata.version is a conflict: exit 4 and how to recover', async () => {
  await cli(['policy', 'apply', '-f', rel('policies/api-delay.yaml')], { server: cp.url });
  const saved = await cli(['policy', 'get', 'api-delay', '-o', 'yaml'], { server: cp.url });
  await cli(['policy', 'apply', '-f', rel('policies/api-delay.yaml'), '--duration-seconds', '60'], { server: cp.url });
  const r = await cli(['policy', 'apply', '-f', '-'], { server: cp.url, stdin: saved.stdout });
  assert.equal(r.code, 4, explain(r));
  assert.match(r.stderr, /<stdin>\[doc 0\]: policy "api-delay" changed on the server since this file was read \(HFI_VERSION_CONFLICT\)/);
  assert.match(r.stderr, /hfi-cli policy get api-delay -o yaml/);
});

test('what get -o yaml / list -o json print can be applied back unchanged', async () => {
  await cli(['policy', 'apply', '-f', rel('policies')], { server: cp.url });
  const yaml = await cli(['policy', 'get', 'checkout-abort', '-o', 'yaml'], { server: cp.url });
  const r1 = await cli(['policy', 'apply', '-f', '-'], { server: cp.url, stdin: yaml.stdout });
  assert.equal(r1.stdout, 'policy/checkout-abort unchanged\n', explain(r1));
  const json = await cli(['policy', 'list', '-o', 'json'], { server: cp.url });
  const r2 = await cli(['policy', 'apply', '-f', '-'], { server: cp.url, stdin: json.stdout });
  assert.equal(r2.code, 0, explain(r2));
  assert.equal(r2.stdout.split('\n').filter((l) => l.endsWith(' unchanged')).length, 5, explain(r2));
});

test('apply without -f, or with a bad --duration-seconds, is a usage error (exit 2)', async () => {
  const missing = await cli(['policy', 'apply'], { server: cp.url });
  assert.equal(missing.code, 2, explain(missing));
  assert.match(missing.stderr, /required option '-f, --filename <path>' not specified/);
  const bad = await cli(['policy', 'apply', '-f', rel('policies'), '--duration-seconds', '-5'], { server: cp.url });
  assert.equal(bad.code, 2, explain(bad));
  assert.match(bad.stderr, /--duration-seconds/);
});

test('a file that does not exist is named', async () => {
  const r = await cli(['policy', 'apply', '-f', 'testdata/nope.yaml'], { server: cp.url });
  assert.equal(r.code, 1, explain(r));
  assert.equal(r.stderr, 'error: cannot read testdata/nope.yaml: no such file or directory\n');
});
