// The real program: --help, --version, refusals with exit code 2, and SIGTERM answering a held poll.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { httpClient } from './helpers/client.js';
import { freePort } from './helpers/etcd.js';
import { pollBody } from './helpers/fixtures.js';
import { metric } from './helpers/metrics.js';
import { waitFor } from './helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/hfi-control-plane.js', import.meta.url));
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 20_000 });
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
  const port = await freePort();
  const child = spawn(process.execPath, [BIN], {
    env: { ...baseEnv, CONTROL_PLANE_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const ready = async (): Promise<boolean> => {
    try {
      return (await fetch(`${base}/ready`)).ok;
    } catch {
      return false; // not listening yet
    }
  };
  await waitFor(ready, { what: () => `the server to be ready; its stderr: ${stderr}`, timeoutMs: 15_000, intervalMs: 100 });
  const set = (await (await fetch(`${base}/v1/ruleset`)).json()) as { epoch: string; version: number };
  const held = fetch(`${base}/v1/dataplane/poll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(pollBody({ epoch: set.epoch, version: set.version, holdMs: 30_000 })),
  });
  await waitFor(async () => (await metric(httpClient(base), 'hfi_control_plane_longpolls_held')) === 1, { what: 'the poll to be held' });
  child.kill('SIGTERM');
  assert.equal((await held).status, 304);
  assert.equal(await exited, 0, stderr);
});
