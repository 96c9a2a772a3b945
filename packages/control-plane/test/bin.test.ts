// The real program: --help, --version, refusals with exit code 2, and SIGTERM answering a held poll.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cleanEnv, controlPlaneBin, startControlPlane, waitFor } from '@hfi/testkit';
import { httpClient, metric } from './helpers/client.js';
import { pollBody } from './helpers/fixtures.js';

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [controlPlaneBin, ...args], { env: cleanEnv(env), encoding: 'utf8', timeout: 20_000 });
}

test('--help and --version', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: hfi-control-plane/);
  assert.match(help.stdout, /HFI_ADMIN_TOKEN/);
  const version = run(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test('invalid configuration exits 2 with a message naming the setting', () => {
  const r = run([], { CONTROL_PLANE_PORT: 'eighty' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /CONTROL_PLANE_PORT/);
  const unknownFlag = run(['--nope']);
  assert.equal(unknownFlag.status, 2);
});

test('refuses to listen on 0.0.0.0 without an admin token (exit 2)', () => {
  const r = run([], { CONTROL_PLANE_ADDR: '0.0.0.0:0' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /HFI_ADMIN_TOKEN/);
  assert.match(r.stderr, /HFI_ALLOW_UNAUTHENTICATED/);
});

test('SIGTERM answers a held poll with 304 and exits 0', async (t) => {
  const cp = await startControlPlane({ env: { LOG_LEVEL: 'warn' } });
  t.after(() => cp.kill());
  const set = (await (await fetch(`${cp.url}/v1/ruleset`)).json()) as { epoch: string; version: number };
  const held = fetch(`${cp.url}/v1/dataplane/poll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(pollBody({ epoch: set.epoch, version: set.version, holdMs: 30_000 })),
  });
  await waitFor(async () => (await metric(httpClient(cp.url), 'hfi_control_plane_longpolls_held')) === 1, { what: 'the poll to be held' });
  const exitCode = cp.stop();
  assert.equal((await held).status, 304);
  assert.equal(await exitCode, 0, cp.output());
});
