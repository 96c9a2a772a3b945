// Issue 16 at test size: the real program holding 2,000 polls answers every one of them after a write, within
// a bound far above the benchmark's (docs/benchmarks/control-plane.md), with its memory bounded. The figures
// against the goal (10,000 polls, p99 < 100 ms, RSS < 250 MB) come from the benchmark, not from here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import { scrapeMetric, startControlPlane, waitFor } from '@hfi/testkit';
import { policy, pollBody } from './helpers/fixtures.js';

const POLLS = 2_000;
/** Generous: on a quiet machine the benchmark answers 10,000 polls in well under a second. */
const ANSWERED_WITHIN_MS = 10_000;
/** The goal is 250 MB at 10,000 polls; 2,000 need far less. */
const PEAK_RSS_MB = 250;

function heldPoll(agent: Agent, port: number, i: number, held: { epoch: string; version: number }): Promise<number> {
  const body = JSON.stringify(pollBody({ instance: `pod-${i}/vm`, epoch: held.epoch, version: held.version, holdMs: 30_000 }));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/dataplane/poll', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now()) : reject(new Error(`poll answered ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test(`${POLLS} held polls are all answered after a write within ${ANSWERED_WITHIN_MS / 1000} s; the server's peak RSS stays under ${PEAK_RSS_MB} MB`, async () => {
  const server = await startControlPlane({ env: { LOG_LEVEL: 'warn' } });
  const agent = new Agent({ keepAlive: true, maxSockets: POLLS + 10 });
  try {
    const set = (await (await fetch(`${server.url}/v1/ruleset`)).json()) as { epoch: string; version: number };
    const answers = Array.from({ length: POLLS }, (_, i) => heldPoll(agent, server.port, i, set));
    await waitFor(async () => (await scrapeMetric(`${server.url}/v1/metrics`, 'hfi_control_plane_longpolls_held')) === POLLS, {
      what: `${POLLS} held polls`,
      timeoutMs: 30_000,
    });
    const written = await fetch(`${server.url}/v1/policies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(policy('scale')),
    });
    const writtenAt = performance.now();
    assert.equal(written.status, 201);
    const last = Math.max(...(await Promise.all(answers))) - writtenAt;
    assert.ok(last < ANSWERED_WITHIN_MS, `the last of ${POLLS} polls was answered ${last.toFixed(0)} ms after the write`);
    const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1]) / 1024;
    assert.ok(peakMb < PEAK_RSS_MB, `peak RSS ${peakMb.toFixed(0)} MB`);
  } finally {
    agent.destroy();
    await server.stop();
  }
});
