// policy list / get / describe against the real control plane, compared with golden files.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pollAsDataPlane, type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain } from './support/cli.js';
import { assertGolden } from './support/golden.js';

let cp: RunningControlPlane;

before(async () => {
  cp = await startControlPlane();
  const r = await cli(['policy', 'apply', '-f', 'testdata/policies'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  // One data plane in demo that counted three delays of api-delay's rule 0.
  await pollAsDataPlane(cp.url, {
    instance: 'frontend-7d9f.demo',
    service: 'frontend',
    namespace: 'demo',
    pod: 'frontend-7d9f',
    counters: { 'api-delay/0': { aborts: 0, delays: 3 } },
  });
});
after(async () => {
  await cp?.stop();
});

test('policy list prints the kubectl-style table', async () => {
  const r = await cli(['policy', 'list'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout, /^NAME +SELECTOR +RULES +STATUS +FAULTS +DATAPLANES +AGE$/m);
  assertGolden('policy-list.txt', r.stdout, { table: true });
});

test('policy list -o wide adds PRIORITY, VERSION, EXPIRES', async () => {
  const r = await cli(['policy', 'list', '-o', 'wide'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assertGolden('policy-list-wide.txt', r.stdout, { table: true });
});

test('policy list -o json prints an array that jq-style scripts can walk', async () => {
  const r = await cli(['policy', 'list', '-o', 'json'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  const list = JSON.parse(r.stdout) as Array<{ metadata: { name: string }; spec: { rules: unknown[] } }>;
  assert.deepEqual(
    list.map((p) => p.spec.rules.length),
    [1, 1, 1, 1, 1],
  );
  assertGolden('policy-list.json', r.stdout);
  // The seed's `hfi-cli policy get -o json | jq '.[] | .spec.rules | length'`: get without a name lists.
  const get = await cli(['policy', 'get', '-o', 'json'], { server: cp.url });
  assert.equal(get.stdout, r.stdout);
});

test('policy list -o yaml', async () => {
  const r = await cli(['policy', 'list', '-o', 'yaml'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assertGolden('policy-list.yaml', r.stdout);
});

test('policy get NAME prints one row; -o json and -o yaml print the policy object', async () => {
  const row = await cli(['policy', 'get', 'api-delay'], { server: cp.url });
  assert.equal(row.code, 0, explain(row));
  assertGolden('policy-get.txt', row.stdout, { table: true });
  const json = await cli(['policy', 'get', 'api-delay', '-o', 'json'], { server: cp.url });
  const policy = JSON.parse(json.stdout) as { metadata: { name: string }; status: { phase: string; faults: { delays: number } } };
  assert.equal(policy.metadata.name, 'api-delay');
  assert.equal(policy.status.faults.delays, 3);
  assertGolden('policy-get.json', json.stdout);
  const yaml = await cli(['policy', 'get', 'api-delay', '-o', 'yaml'], { server: cp.url });
  assertGolden('policy-get.yaml', yaml.stdout);
});

test('policy describe explains matches, faults, time window, data planes and counters', async () => {
  const r = await cli(['policy', 'describe', 'api-delay'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout, /path starts with "\/api\/v1", and method is "GET", and header "x-user" is "tester"/);
  assert.match(r.stdout, /Does: +delay 1s/);
  assert.match(r.stdout, /Applies to: +20% of matching requests/);
  assert.match(r.stdout, /Data planes: +applied on 1 of 1 targeted data plane/);
  assert.match(r.stdout, /Faults: +0 aborts, 3 delays injected so far/);
  assertGolden('policy-describe-api-delay.txt', r.stdout);
  const abort = await cli(['policy', 'describe', 'checkout-abort'], { server: cp.url });
  assert.match(abort.stdout, /abort with HTTP 503 and body "\{\\"error\\":\\"injected by hfi\\"\}"/);
  assert.match(abort.stdout, /Time window: +from <?.*until .* \(expires in \d+m\)/);
  assertGolden('policy-describe-checkout-abort.txt', abort.stdout);
  const slow = await cli(['policy', 'describe', 'everything-slow'], { server: cp.url });
  assert.match(slow.stdout, /Matches: +every request/);
  assert.match(slow.stdout, /waits 100ms before the fault; lasts until the policy is deleted/);
});

test('an unknown policy is exit 3 with its name', async () => {
  for (const command of [['get'], ['describe']]) {
    const r = await cli(['policy', ...command, 'no-such-policy'], { server: cp.url });
    assert.equal(r.code, 3, explain(r));
    assert.match(r.stderr, /^error: policy "no-such-policy" not found$/m);
  }
});

test('an output format the command cannot print is a usage error', async () => {
  const bad = await cli(['policy', 'list', '-o', 'xml'], { server: cp.url });
  assert.equal(bad.code, 2, explain(bad));
  assert.match(bad.stderr, /-o xml: this command prints "table", "wide", "json", "yaml", "name"/);
});

test('-o name prints policy/<name> lines', async () => {
  const r = await cli(['policy', 'list', '-o', 'name'], { server: cp.url });
  assert.equal(r.stdout, 'policy/api-delay\npolicy/checkout-abort\npolicy/dir-a\npolicy/dir-b\npolicy/everything-slow\n');
});

test('no colour codes when stdout is not a terminal', async () => {
  const r = await cli(['policy', 'list'], { server: cp.url });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts that no ANSI escape was printed
  assert.doesNotMatch(r.stdout, /\u001b\[/);
});
