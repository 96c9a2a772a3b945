// The README's first command: `npm start` (scripts/start.mjs, run here after the build) brings up the
// control plane, a demo upstream and hfi-proxy on loopback; the commands it prints work; a component
// that fails to start stops everything with exit 1 and a plain message.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, hfiCliBin, refuses, repoRoot, waitFor } from '@hfi/testkit';

const startScript = join(repoRoot, 'scripts/start.mjs');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function start(extraEnv: Record<string, string> = {}): Promise<{ started: Started; ports: Record<string, number> }> {
  for (const built of [
    'packages/control-plane/dist/src/main.js',
    'packages/proxy-host/dist/src/main.js',
    'packages/plugin/build/hfi-fault-filter.wasm',
  ]) {
    assert.ok(existsSync(join(repoRoot, built)), `${built} is missing: build the packages before the deploy tests`);
  }
  const ports = { controlPlane: await freePort(), upstream: await freePort(), proxy: await freePort(), admin: await freePort() };
  const child = spawn(process.execPath, [startScript], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HFI_START_CONTROL_PLANE_PORT: String(ports.controlPlane),
      HFI_START_UPSTREAM_PORT: String(ports.upstream),
      HFI_START_PROXY_PORT: String(ports.proxy),
      HFI_START_ADMIN_PORT: String(ports.admin),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { started: { child, output: () => output, exited }, ports };
}

/** SIGINT (what Ctrl-C sends), then SIGKILL if it lingers; resolves with the exit code. */
async function stop(s: Started): Promise<number | null> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return s.exited;
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  s.child.kill('SIGINT');
  const code = await s.exited;
  clearTimeout(timer);
  return code;
}

/** Every component's address, for checking that none is left behind. */
function addresses(ports: Record<string, number>): string[] {
  return Object.values(ports).map((p) => `http://127.0.0.1:${p}/`);
}

async function allRefuse(ports: Record<string, number>): Promise<boolean> {
  return (await Promise.all(addresses(ports).map((url) => refuses(url)))).every(Boolean);
}

test('npm start: the printed commands inject an abort through hfi-proxy; Ctrl-C stops everything', async (t) => {
  const { started, ports } = await start();
  t.after(() => stop(started));
  await waitFor(() => started.output().includes('HFI is running'), {
    what: () => `start.mjs to report "HFI is running"; its output:\n${started.output()}`,
  });
  // The commands as start.mjs prints them (HFI_SERVER is printed because the ports are not the defaults).
  const curl = /^\s*curl -i (\S+)\s+# passes through$/m.exec(started.output());
  assert.ok(curl, `start.mjs printed no "curl -i <url>  # passes through" line:\n${started.output()}`);
  const apply = /^\s*HFI_SERVER=(\S+) npx hfi-cli (policy apply -f examples\/abort\.yaml)$/m.exec(started.output());
  assert.ok(apply, `start.mjs printed no "HFI_SERVER=... npx hfi-cli policy apply -f examples/abort.yaml" line:\n${started.output()}`);
  const [, checkout] = curl;
  const [, server, cliArgs] = apply;
  assert.equal(server, `http://127.0.0.1:${ports.controlPlane}`);
  assert.match(started.output(), /Restarting it ends every experiment/, 'start.mjs says the memory store ends experiments on restart');
  assert.equal(checkout, `http://127.0.0.1:${ports.proxy}/api/checkout`);

  const before = await fetch(checkout!);
  assert.equal(before.status, 200, 'the demo upstream answers through the proxy');
  await before.text();

  const applied = spawnSync(process.execPath, [hfiCliBin, ...cliArgs!.split(' ')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HFI_SERVER: server! },
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(applied.status, 0, `hfi-cli ${cliArgs} failed:\n${applied.stdout}${applied.stderr}`);
  assert.match(applied.stdout, /policy\/checkout-abort created/);

  let last = { status: 0, fault: '', body: '' };
  await waitFor(
    async () => {
      const res = await fetch(checkout!);
      last = { status: res.status, fault: res.headers.get('x-hfi-fault') ?? '', body: await res.text() };
      return res.status === 503;
    },
    { what: () => `the abort to reach hfi-proxy; last answer: ${JSON.stringify(last)}; output:\n${started.output()}` },
  );
  assert.deepEqual(last, { status: 503, fault: 'checkout-abort/0', body: 'injected by HFI' });

  assert.equal(await stop(started), 0, `start.mjs did not exit 0 on Ctrl-C:\n${started.output()}`);
  await waitFor(() => allRefuse(ports), {
    what: () => `nothing to answer on ${addresses(ports).join(', ')} after Ctrl-C; output:\n${started.output()}`,
    timeoutMs: 15_000,
  });
});

test('npm start: a component that fails to start stops everything with exit 1 and says which', async (t) => {
  const { started, ports } = await start({ LOG_FORMAT: 'xml' }); // the control plane refuses this setting
  t.after(() => stop(started));
  const timer = setTimeout(() => started.child.kill('SIGKILL'), 20_000);
  const code = await started.exited;
  clearTimeout(timer);
  assert.equal(code, 1, started.output());
  assert.match(started.output(), /LOG_FORMAT/);
  assert.match(started.output(), /start: control-plane exited \(2\); stopping everything/);
  assert.doesNotMatch(started.output(), /Error:|at file:/, 'a plain message, not a stack trace');
  assert.ok(await allRefuse(ports), `something still answers on ${addresses(ports).join(', ')}`);
});
