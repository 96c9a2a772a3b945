// top against the real control plane, fed by outcome reports as a data plane sends them.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { LATENCY_BUCKETS } from '@hfi/api';
import { type RunningControlPlane, startControlPlane } from '@hfi/testkit';
import { cli, explain, spawnCli } from './support/cli.js';

let cp: RunningControlPlane;
const children: ChildProcess[] = [];

async function report(service: string, seq: number, ok: number, errors: number, latencyBucket: number): Promise<void> {
  const latency = new Array<number>(LATENCY_BUCKETS).fill(0);
  latency[latencyBucket] = ok + errors;
  const res = await fetch(`${cp.url}/v1/dataplane/report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      wireVersion: 2,
      identity: { service, namespace: 'demo', pod: `${service}-1` },
      instance: `${service}-1/vm1`,
      outcomes: { seq, status: [ok, 0, 0, errors, 0], local: [0, 0, 0, 0, 0], faulted: errors, latency },
    }),
  });
  assert.equal(res.status, 204);
}

before(async () => {
  cp = await startControlPlane();
});
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await cp?.stop();
});

test('top: nothing reported yet says so', async () => {
  const empty = await cli(['top'], { server: cp.url });
  assert.equal(empty.code, 0, explain(empty));
  assert.equal(empty.stderr, 'No traffic reported in the last 1m.\n');
});

test('top shows each workload: WORKLOAD, DATA PLANES, RPS, ERRORS %, P50, P99, FAULTED %; -o json', async () => {
  await report('cart', 1, 270, 30, 8); // (2.828, 4] ms
  await report('frontend', 1, 300, 0, 12); // (11.3, 16] ms
  const table = await cli(['top', '--window', '30s'], { server: cp.url });
  assert.equal(table.code, 0, explain(table));
  assert.match(table.stdout, /^WORKLOAD +DATA PLANES +RPS +ERRORS % +P50 +P99 +FAULTED %$/m);
  assert.match(table.stdout, /^demo\/cart +1 +10\.0 +10\.0 +4\.0ms +4\.0ms +10\.0$/m);
  assert.match(table.stdout, /^demo\/frontend +1 +10\.0 +0\.0 +16ms +16ms +0\.0$/m);

  const json = await cli(['top', '--window', '30s', '--service', 'cart', '-o', 'json'], { server: cp.url });
  const items = JSON.parse(json.stdout) as Array<{ service: string; requests: number }>;
  assert.deepEqual(
    items.map((w) => [w.service, w.requests]),
    [['cart', 300]],
  );
});

test('top --window out of range: the server names window, a non-zero exit', async () => {
  const bad = await cli(['top', '--window', '1h'], { server: cp.url });
  assert.notEqual(bad.code, 0, explain(bad));
  assert.match(bad.stderr, /window/);
});

test('top --watch without a terminal appends a table every 2 s, until Ctrl-C (exit 0)', async () => {
  const watch = spawnCli(['top', '--watch'], { server: cp.url });
  children.push(watch);
  watch.stdin?.end();
  let stdout = '';
  watch.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  const started = Date.now();
  while ((stdout.match(/^WORKLOAD /gm) ?? []).length < 2 && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
  assert.equal((stdout.match(/^WORKLOAD /gm) ?? []).length >= 2, true, stdout);
  assert.equal(stdout.includes('\u001b[2J'), false, 'no screen clearing without a terminal');
  const exited = new Promise<number | null>((resolve) => watch.once('exit', (code) => resolve(code)));
  watch.kill('SIGINT');
  assert.equal(await exited, 0);
});
