// Global behaviour: unreachable server, tokens, timeouts, usage errors, --version, completion scripts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain } from './support/cli.js';
import { PACKAGE_ROOT } from './support/paths.js';

let secured: RunningControlPlane;
let closedPort: number;
let silent: Server;
let silentUrl: string;
const scratch = mkdtempSync(join(tmpdir(), 'hfi-cli-test-'));

before(async () => {
  secured = await startControlPlane({ env: { HFI_ADMIN_TOKEN: 'admin-secret-token-1234567890' } });
  closedPort = await freePort(); // nothing listens there
  // A server that accepts connections and never answers (for --timeout).
  silent = createServer(() => {});
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
after(async () => {
  silent?.closeAllConnections();
  silent?.close();
  await secured?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test('server down: exit 5, naming the address and how to start or port-forward the control plane', async () => {
  const server = `http://127.0.0.1:${closedPort}`;
  const r = await cli(['policy', 'list'], { server });
  assert.equal(r.code, 5, explain(r));
  assert.match(
    r.stderr,
    new RegExp(`^error: cannot reach the control plane at ${server.replace(/\./g, '\\.')} \\(connection refused\\)$`, 'm'),
  );
  assert.match(r.stderr, /npx hfi-control-plane/);
  assert.match(r.stderr, new RegExp(`kubectl port-forward -n hfi-system svc/hfi-control-plane ${closedPort}:8080`));
});

test('--server wins over HFI_SERVER; the default is http://localhost:8080', async () => {
  const r = await cli(['policy', 'list', '--server', `127.0.0.1:${closedPort}`], { env: { HFI_SERVER: 'http://127.0.0.1:9' } });
  assert.equal(r.code, 5);
  assert.match(r.stderr, new RegExp(`at http://127\\.0\\.0\\.1:${closedPort} `));
  const help = await cli(['--help']);
  assert.match(help.stdout, /default\s+http:\/\/localhost:8080/);
});

test('a server that does not answer: --timeout bounds the wait, exit 5', async () => {
  const started = Date.now();
  const r = await cli(['policy', 'list', '--timeout', '300ms'], { server: silentUrl });
  assert.equal(r.code, 5, explain(r));
  assert.match(r.stderr, /\(no answer within 300ms\)/);
  assert.ok(Date.now() - started < 10_000);
  const bad = await cli(['policy', 'list', '--timeout', 'soon'], { server: silentUrl });
  assert.equal(bad.code, 2, explain(bad));
  assert.match(bad.stderr, /--timeout: expected a duration/);
});

test('a missing or wrong token is exit 6 with a hint; the right one (flag or HFI_TOKEN) works', async () => {
  const none = await cli(['policy', 'list'], { server: secured.url });
  assert.equal(none.code, 6, explain(none));
  assert.match(none.stderr, /HFI_UNAUTHORIZED/);
  assert.match(none.stderr, /--token or the HFI_TOKEN environment variable/);
  const wrong = await cli(['policy', 'list', '--token', 'nope'], { server: secured.url });
  assert.equal(wrong.code, 6, explain(wrong));
  const flag = await cli(['policy', 'apply', '-f', 'testdata/policies/api-delay.yaml', '--token', 'admin-secret-token-1234567890'], {
    server: secured.url,
  });
  assert.equal(flag.code, 0, explain(flag));
  const env = await cli(['policy', 'list', '-o', 'name'], { server: secured.url, env: { HFI_TOKEN: 'admin-secret-token-1234567890' } });
  assert.equal(env.stdout, 'policy/api-delay\n', explain(env));
});

test('--version prints the package version; no command prints help with exit 2', async () => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const v = await cli(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout, `${pkg.version}\n`);
  const none = await cli([]);
  assert.equal(none.code, 2, explain(none));
  assert.match(none.stderr, /Usage: hfi-cli/);
  const bad = await cli(['--server']);
  assert.equal(bad.code, 2, explain(bad));
});

/** Runs bash completion for a command line ending in `words` and returns the candidates. */
function complete(script: string, words: string[]): string[] {
  const cword = words.length - 1;
  const program = `source ${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})\nCOMP_CWORD=${cword}\n_hfi_cli\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '-c', program], { encoding: 'utf8', cwd: PACKAGE_ROOT }).split('\n').filter(Boolean);
}

test('completion bash: a script generated from the command tree that bash can run', async () => {
  const r = await cli(['completion', 'bash']);
  assert.equal(r.code, 0, explain(r));
  const script = join(scratch, 'hfi-cli.bash');
  writeFileSync(script, r.stdout);
  execFileSync('bash', ['-n', script]);
  assert.deepEqual(complete(script, ['hfi-cli', '']), [
    'policy',
    'policies',
    'halt',
    'resume',
    'halts',
    'dataplanes',
    'dp',
    'top',
    'recommend',
    'completion',
    'help',
  ]);
  assert.deepEqual(complete(script, ['hfi-cli', 'policy', 'ap']), ['apply']);
  assert.deepEqual(complete(script, ['hfi-cli', '--server', 'x', 'pol']), ['policy', 'policies'], 'skips option values');
  assert.ok(complete(script, ['hfi-cli', 'policy', 'apply', '--']).includes('--dry-run'));
  assert.ok(complete(script, ['hfi-cli', 'policy', 'apply', '--']).includes('--duration-seconds'));
  assert.ok(complete(script, ['hfi-cli', 'dp', '--']).includes('--server'), 'global flags everywhere');
  assert.ok(['--service', '--namespace', '--reason'].every((f) => complete(script, ['hfi-cli', 'halt', '--']).includes(f)));
  assert.deepEqual(complete(script, ['hfi-cli', 'policy', 'list', '-o', 'y']), ['yaml']);
  assert.deepEqual(complete(script, ['hfi-cli', 'completion', '']), ['bash', 'zsh']);
  assert.ok(complete(script, ['hfi-cli', 'policy', 'apply', '-f', 'testdata/pol']).includes('testdata/policies'));
});

test('completion zsh: a script with compdef; an unknown shell is a usage error', async () => {
  const r = await cli(['completion', 'zsh']);
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout, /^#compdef hfi-cli/);
  assert.match(r.stdout, /compdef _hfi_cli hfi-cli/);
  const fish = await cli(['completion', 'fish']);
  assert.equal(fish.code, 2, explain(fish));
  assert.match(fish.stderr, /Allowed choices are bash, zsh/);
});
