// hfi-proxy's command line, through the real bin: duration flags, and bad values refused naming the flag.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { cleanEnv, closeAgent, hfiProxyBin, request, startHfiProxy } from '@hfi/testkit';

const run = (...args: string[]) =>
  spawnSync(process.execPath, [hfiProxyBin, ...args], { encoding: 'utf8', env: cleanEnv(), timeout: 15_000 });

after(() => closeAgent());

test('--upstream-timeout 0.3s and --upstream-timeout 300 (ms) both answer 504 after 300 ms, not 15 s', async () => {
  const silent = http.createServer(() => {}); // takes requests, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const upstream = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  try {
    for (const timeout of ['0.3s', '300']) {
      const proxy = await startHfiProxy({ upstream, args: ['--no-plugin', '--upstream-timeout', timeout] });
      try {
        const r = await request(`${proxy.url}/x`);
        assert.equal(r.status, 504, timeout);
        assert.ok(r.ms >= 300 && r.ms < 5000, `${timeout}: answered after ${r.ms} ms`);
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('a bad --upstream-timeout exits 2 naming the flag and the reason', () => {
  for (const [value, reason] of [
    ['10x', /--upstream-timeout: "10x" has unknown unit "x"/],
    ['0', /--upstream-timeout: "0" must be greater than 0/],
    ['0s', /--upstream-timeout: "0s" must be greater than 0/],
    ['-5s', /--upstream-timeout: "-5s" must not be negative/],
    ['1500us', /--upstream-timeout: "1500us" is not a whole number of milliseconds/],
    ['1000h', /--upstream-timeout: "1000h" is too large/],
    ['596h31m23.648s', /--upstream-timeout: "596h31m23.648s" is too large: at most 2147483647ms/],
    ['99999999999', /--upstream-timeout: "99999999999" is too large: at most 2147483647ms/],
  ] as const) {
    const r = run('--upstream', 'http://127.0.0.1:9', '--no-plugin', `--upstream-timeout=${value}`); // "=": a value may start with "-"
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, reason);
  }
});

test('--help says a duration flag takes a duration and a bare integer is milliseconds', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--upstream-timeout <duration> +route timeout, e\.g\. 15s, 1500ms, 1m30s/);
  assert.match(r.stdout, /a bare integer is milliseconds/);
});

test('a data-plane token an HTTP header cannot carry: hfi-proxy refuses it at start, naming the flag', () => {
  const r = run('--upstream', 'http://127.0.0.1:9', '--listen', '0', '--admin', '0', '--token', 'secret\u0001');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--token: the token holds a character an HTTP header cannot carry/);
});

test('--plugin-config is checked against the PluginConfig schema: an unknown key or a bad value exits 2 naming it', () => {
  for (const [config, reason] of [
    ['{"poll_hold":30}', /--plugin-config: poll_hold: unknown field \(the plugin reads control_plane_cluster, .*debug, report_outcomes\)/],
    ['{"poll_hold_sec":900}', /--plugin-config: poll_hold_sec: expected number to be less or equal to 300, found number 900/],
    ['{"debug":"yes"}', /--plugin-config: debug: expected boolean, found string "yes"/],
    ['[1]', /--plugin-config: expected a JSON object/],
  ] as const) {
    const r = run('--upstream', 'http://127.0.0.1:9', '--listen', '0', '--admin', '0', '--plugin-config', config);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, reason);
  }
});
