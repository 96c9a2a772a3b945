// Control-plane benchmarks against the real program in a child process (so client work does not skew it):
//  1. propagation: POST answered 201 -> all of 1,000 held long-polls hold the new version (memory, etcd)
//  2. resident memory of the server with 1,000 held long-polls
//  3. policy writes/s on memory, and listing 10,000 stored policies
// Run: npm run bench -w @hfi/control-plane
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startEtcd } from '../test/helpers/etcd.js';

const BIN = fileURLToPath(new URL('../../bin/hfi-control-plane.js', import.meta.url));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS + 100 });

interface Reply {
  status: number;
  body: string;
  /** performance.now() when the response head arrived (before the body is read or parsed). */
  headAt: number;
}

function call(port: number, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port, method, path, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      (res) => {
        const headAt = performance.now();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headAt }));
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function startServer(env: Record<string, string>): Promise<{ port: number; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const serverArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...serverArgs, BIN], {
    env: { PATH: process.env.PATH ?? '', CONTROL_PLANE_PORT: String(port), LOG_LEVEL: 'warn', MAX_POLICIES: '20000', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await call(port, 'GET', '/ready')).status === 200) break;
    } catch {
      // starting
    }
    await sleep(50);
  }
  return {
    port,
    child,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function policy(name: string, percentage = 10) {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name },
    spec: { selector: { service: 'frontend', namespace: 'demo' }, rules: [{ match: { path: { prefix: '/api' } }, fault: { percentage, delay: { fixed_delay_ms: 10 } } }] },
  };
}

/** 1,000 clients, each long-polling in a loop and noting when each version reaches it. */
class PollFleet {
  private readonly arrivals = new Map<number, number[]>();
  private running = true;
  private held: { epoch: string; version: number }[] = [];

  constructor(private readonly port: number) {}

  async start(): Promise<void> {
    const set = JSON.parse((await call(this.port, 'GET', '/v1/ruleset')).body) as { epoch: string; version: number };
    this.held = Array.from({ length: CLIENTS }, () => ({ ...set }));
    for (let i = 0; i < CLIENTS; i++) void this.loop(i);
  }

  private async loop(i: number): Promise<void> {
    while (this.running) {
      const h = this.held[i]!;
      const body = { wireVersion: 1, identity: { service: 'frontend', namespace: 'demo', pod: `pod-${i}` }, instance: `pod-${i}/vm`, epoch: h.epoch, version: h.version, holdMs: 30_000 };
      try {
        const r = await call(this.port, 'POST', '/v1/dataplane/poll', body);
        if (r.status === 200) {
          const now = r.headAt;
          const set = JSON.parse(r.body) as { epoch: string; version: number };
          this.held[i] = { epoch: set.epoch, version: set.version };
          const list = this.arrivals.get(set.version) ?? [];
          list.push(now);
          this.arrivals.set(set.version, list);
          // Re-poll a little later, as 1,000 separate data planes would, so that this one client
          // process is not busy sending 1,000 new requests while the answers are still arriving.
          await sleep(150 + (i % 100));
        }
      } catch {
        if (this.running) await sleep(50);
      }
    }
  }

  async waitFor(version: number, timeoutMs = 10_000): Promise<number[]> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const list = this.arrivals.get(version) ?? [];
      if (list.length >= CLIENTS) return list;
      await sleep(2);
    }
    throw new Error(`only ${(this.arrivals.get(version) ?? []).length}/${CLIENTS} clients got version ${version}`);
  }

  stop(): void {
    this.running = false;
  }
}

async function heldPolls(port: number): Promise<number> {
  const text = (await call(port, 'GET', '/v1/metrics')).body;
  return Number(/\nhfi_control_plane_longpolls_held (\d+)/.exec(text)?.[1] ?? 0);
}

async function propagation(label: string, port: number, rounds: number, goalMs: number, child: ChildProcess): Promise<void> {
  const fleet = new PollFleet(port);
  await fleet.start();
  const allDelays: number[] = [];
  const lastArrivals: number[] = [];
  let rssMb = 0;
  for (let round = 0; round < rounds; round++) {
    while ((await heldPolls(port)) < CLIENTS) await sleep(20);
    if (round === 0) rssMb = residentMb(child.pid!);
    const r = await call(port, 'POST', '/v1/policies', policy(`bench-${label}`, (round % 90) + 1));
    const answeredAt = performance.now();
    if (r.status !== 200 && r.status !== 201) throw new Error(`POST answered ${r.status}: ${r.body}`);
    const version = Number((JSON.parse(r.body) as { metadata: { version: string } }).metadata.version);
    const arrivals = await fleet.waitFor(version);
    const delays = arrivals.map((t) => Math.max(0, t - answeredAt));
    allDelays.push(...delays);
    lastArrivals.push(Math.max(...delays));
  }
  fleet.stop();
  const server = serverPropagation((await call(port, 'GET', '/v1/metrics')).body);
  console.log(`  server side (change reached the replica -> poll answered), histogram: ${server}`);
  const p99 = percentile(allDelays, 0.99);
  console.log(
    `propagation ${label}: ${CLIENTS} held polls x ${rounds} writes: p50 ${percentile(allDelays, 0.5).toFixed(1)} ms, ` +
      `p99 ${p99.toFixed(1)} ms, slowest round (all clients hold it) p99 ${percentile(lastArrivals, 0.99).toFixed(1)} ms ` +
      `(goal p99 < ${goalMs} ms: ${(p99 / goalMs).toFixed(2)} of goal)`,
  );
  if (label === 'memory') console.log(`resident memory with ${CLIENTS} held long-polls: ${rssMb.toFixed(1)} MB (goal < 200 MB: ${(rssMb / 200).toFixed(2)} of goal)`);
}

async function writesAndList(port: number): Promise<void> {
  const total = 10_000;
  const concurrency = 32;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const r = await call(port, 'POST', '/v1/policies', policy(`p-${String(i).padStart(5, '0')}`));
        if (r.status !== 201) throw new Error(`write ${i}: ${r.status} ${r.body.slice(0, 200)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rate = total / seconds;
  console.log(`writes (memory, ${concurrency} concurrent, growing to ${total} policies): ${rate.toFixed(0)} writes/s (goal >= 2000: ${(rate / 2000).toFixed(2)} of goal)`);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const r = await call(port, 'GET', '/v1/policies');
    times.push(performance.now() - t);
    if (i === 0) console.log(`list response: ${(r.body.length / 1e6).toFixed(1)} MB, ${(JSON.parse(r.body) as { items: unknown[] }).items.length} items`);
  }
  const median = percentile(times, 0.5);
  console.log(`list ${total} policies: median ${median.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (goal < 200 ms: ${(median / 200).toFixed(2)} of goal)`);
}

function serverPropagation(metrics: string): string {
  const buckets = [...metrics.matchAll(/hfi_control_plane_propagation_delay_seconds_bucket\{le="([^"]+)"\} (\d+)/g)].map((m) => `<=${m[1]}s: ${m[2]}`);
  return buckets.join(', ');
}

function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const only = process.argv[2];
if (!only || only === 'memory') {
  const server = await startServer({});
  await propagation('memory', server.port, 20, 100, server.child);
  await writesAndList(server.port);
  await server.stop();
}
if (!only || only === 'etcd') {
  const etcd = await startEtcd();
  const server = await startServer({ STORAGE_BACKEND: 'etcd', ETCD_ENDPOINTS: etcd.endpoint });
  try {
    await propagation('etcd', server.port, 10, 250, server.child);
  } finally {
    await server.stop();
    await etcd.stop();
  }
}
agent.destroy();
