// The real bin as a user starts it: help, version, one apply, and the exit codes scripts rely on
// (docs/cli.md). Everything else runs in-process through runCli (test/support/cli.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cliBin, explain } from './support/cli.js';
import { PACKAGE_ROOT } from './support/paths.js';

let cp: RunningControlPlane;
let guarded: RunningControlPlane;
before(async () => {
  [cp, guarded] = await Promise.all([startControlPlane(), startControlPlane({ env: { HFI_ADMIN_TOKEN: 'bin-test-admin-token' } })]);
});
after(async () => {
  await Promise.all([cp?.stop(), guarded?.stop()]);
});

test('--help and --version exit 0; the version is the package version', async () => {
  const help = await cliBin(['--help']);
  assert.equal(help.code, 0, explain(help));
  assert.match(help.stdout, /Usage: hfi-cli/);
  assert.match(help.stdout, /Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict, 5 control plane unreachable, 6 unauthorized/);
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const version = await cliBin(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${pkg.version}\n`);
});

test('policy apply -f creates the policy: exit 0, one line per policy', async () => {
  const r = await cliBin(['policy', 'apply', '-f', 'testdata/policies/api-delay.yaml'], { server: cp.url });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.stdout, 'policy/api-delay created\n');
});

test('exit codes: 1 invalid, 2 usage, 3 not found, 5 unreachable, 6 unauthorized', async () => {
  const cases: Array<[number, string[], string]> = [
    [1, ['policy', 'validate', '-f', 'testdata/invalid/two-bad.yaml'], cp.url],
    [2, ['policy', 'frobnicate'], cp.url],
    [3, ['policy', 'get', 'no-such-policy'], cp.url],
    [5, ['policy', 'list'], `http://127.0.0.1:${await freePort()}`],
    [6, ['policy', 'list'], guarded.url],
  ];
  for (const [code, args, server] of cases) {
    const r = await cliBin(args, { server });
    assert.equal(r.code, code, `${args.join(' ')}\n${explain(r)}`);
  }
});
