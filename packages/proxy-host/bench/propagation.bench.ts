// End-to-end propagation through real plugin instances: the real hfi-control-plane program (memory store,
// then a real etcd), and BENCH_VM_PROCS child processes each running BENCH_VMS_PER_PROC worker VMs of the
// built .wasm in this package's host, each VM with its own long poll over loopback. Per write and per VM it
// measures the time from the write's answer (201/200, client side) to the moment that VM swapped in the
// rule set holding it (the plugin's own "rule set <epoch>/<version> loaded" log line, taken from the host's
// log callback). Scenarios: isolated writes, back-to-back writes BENCH_GAP_MS apart, halt, resume.
// Mode `floor` puts a bare node:http long-poll server (floor-server.ts: no Fastify, no registry, no metrics) in
// the control plane's place, answering with the real control plane's bytes: what Node's HTTP server, the kernel
// and these VMs cost on this machine, whatever the control plane does.
// Run: npm run bench -w @hfi/proxy-host, or: node dist/bench/propagation.bench.js [memory|etcd|floor]
// Figures go to docs/benchmarks/propagation.md by hand.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pluginWasm, startControlPlane, startEtcd } from '@hfi/testkit';
import { StatsStore } from '../src/metrics.js';
import { loadPlugin } from '../src/plugin.js';
import type { HostServices } from '../src/plugin-config.js';
import { HttpCluster } from '../src/proxy/http-cluster.js';
import { RealScheduler } from '../src/scheduler.js';
import { type FloorMessage, runFloorServer } from './floor-server.js';

const VM_PROCS = Number(process.env.BENCH_VM_PROCS ?? 4);
const VMS_PER_PROC = Number(process.env.BENCH_VMS_PER_PROC ?? 250);
const VMS = VM_PROCS * VMS_PER_PROC;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** Writes per back-to-back burst, and the bursts. */
const BURST = Number(process.env.BENCH_BURST ?? 10);
const BURSTS = Number(process.env.BENCH_BURSTS ?? 2);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 50);
const HALT_ROUNDS = Number(process.env.BENCH_HALT_ROUNDS ?? 5);
/** Writes before measuring: V8 tiers the VMs' wasm and the server's code up over the first rounds. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const SELF = fileURLToPath(import.meta.url);
/** e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the fleet processes; BENCH_SERVER_NODE_ARGS does the same for the server. */
const FLEET_NODE_ARGS = (process.env.BENCH_FLEET_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Another build of the control-plane program (e.g. an older one, for comparison); this tree's by default. */
const SERVER_BIN = process.env.BENCH_SERVER_BIN;
/** Another build of the plugin (e.g. one with a name section, for profiles); the built one by default. */
const PLUGIN = process.env.BENCH_PLUGIN ?? pluginWasm;
const LOADED = /^hfi: rule set \S+\/(\d+) loaded/;

/** Absolute milliseconds, comparable between processes on this machine. */
function stamp(): number {
  return performance.timeOrigin + performance.now();
}

/** `loaded`: (VM, version, time) triples, flat, in a binary message (JSON of thousands of events costs the fleet CPU). */
type FleetMessage = { kind: 'ready' } | { kind: 'loaded'; events: Float64Array };

/**
 * One fleet process: one plugin with `count` worker VMs, as one Envoy with that many workers would run it;
 * each VM's "rule set loaded" line is reported to the benchmark as (VM, version, time), in batches.
 */
async function runFleet(controlPlane: string, index: number, count: number): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  const scheduler = new RealScheduler(
    () => Date.now(),
    () => process.hrtime.bigint(),
  );
  const cluster = new HttpCluster(new URL(controlPlane), count + 16);
  let batch: number[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    process.send!({ kind: 'loaded', events: Float64Array.from(batch) } satisfies FleetMessage);
    batch = [];
  };
  setInterval(flush, 10);
  const services: HostServices = {
    scheduler,
    randomBytes: (buf) => {
      for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(Math.random() * 256);
    },
    clusters: new Map([['hfi-control-plane', cluster]]),
    stats: new StatsStore(),
    log: (level, message, worker) => {
      const loaded = LOADED.exec(message);
      if (loaded && worker >= 0) batch.push(index * count + worker, Number(loaded[1]), stamp());
      else if (level >= 4) process.stderr.write(`fleet ${index} [${worker}]: ${message}\n`);
    },
    sharedData: new Map(),
  };
  const pod = `bench-${index}`;
  const plugin = await loadPlugin(
    new Uint8Array(readFileSync(PLUGIN)),
    {
      name: 'demo.hfi-fault-filter',
      rootId: '',
      vmId: '',
      vmConfig: new Uint8Array(0),
      pluginConfig: new TextEncoder().encode(JSON.stringify({ control_plane_cluster: 'hfi-control-plane', control_plane_authority: 'cp' })),
      failStrategy: 'open',
      envoyVersion: '1.33',
      nodeMetadata: { WORKLOAD_NAME: 'frontend', NAMESPACE: 'demo', NAME: pod },
      nodeId: `sidecar~127.0.0.1~${pod}.demo~demo.svc.cluster.local`,
      env: {},
      logLevel: 2,
    },
    services,
    count,
  );
  if (plugin.loadError) throw new Error(`fleet ${index}: the plugin did not load: ${plugin.loadError}`);
  process.send!({ kind: 'ready' } satisfies FleetMessage);
}

/** The VMs of every fleet process, and when each first held each version. */
class Fleet {
  private readonly children: ChildProcess[] = [];
  /** Per VM: versions in the order loaded, with the time. */
  private readonly loads: { version: number; at: number }[][] = Array.from({ length: VMS }, () => []);

  async start(controlPlane: string): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let p = 0; p < VM_PROCS; p++) {
      const child = fork(SELF, ['fleet', controlPlane, String(p), String(VMS_PER_PROC)], {
        stdio: 'inherit',
        execArgv: FLEET_NODE_ARGS,
        serialization: 'advanced',
      });
      ready.push(
        new Promise((resolve, reject) => {
          child.on('message', (m: FleetMessage) => {
            if (m.kind === 'ready') resolve();
            else
              for (let i = 0; i < m.events.length; i += 3)
                this.loads[m.events[i]!]!.push({ version: m.events[i + 1]!, at: m.events[i + 2]! });
          });
          child.once('exit', (code) => reject(new Error(`fleet process ${p} exited (${code})`)));
        }),
      );
      this.children.push(child);
    }
    await Promise.all(ready);
  }

  /** When each VM first held `version` or a later one; waits until every VM does. */
  async reached(version: number, timeoutMs = 20_000): Promise<number[]> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const at = this.loads.map((list) => list.find((l) => l.version >= version)?.at);
      if (at.every((t) => t !== undefined)) return at as number[];
      if (performance.now() > deadline) {
        throw new Error(`${at.filter((t) => t === undefined).length} of ${VMS} VMs never loaded version ${version}`);
      }
      await sleep(5);
    }
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid!);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child) => {
        child.removeAllListeners('exit'); // the start's "exited early" listener
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise((r) => child.once('exit', r));
        // A disconnected fleet process exits by itself (writing its profile, if asked for one); a stuck one is killed.
        child.disconnect();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        return exited.finally(() => clearTimeout(kill));
      }),
    );
  }
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; at: number }> {
  const response = await fetch(base + path, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const at = stamp(); // the answer's head: what a user sees as "the write returned"
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text), at };
}

function policy(name: string, percentage: number) {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name },
    spec: {
      selector: { service: 'frontend', namespace: 'demo' },
      rules: [{ match: { path: { prefix: '/api' } }, fault: { percentage, delay: { fixed_delay_ms: 10 } } }],
    },
  };
}

/** Every VM holding its long poll again (re-polled after the last answer). */
async function settled(base: string): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    const text = await (await fetch(`${base}/v1/metrics`)).text();
    const held = Number(/^hfi_control_plane_longpolls_held (\d+)/m.exec(text)?.[1] ?? 0);
    if (held >= VMS) return;
    await sleep(20);
  }
  throw new Error('the VMs did not all hold a poll again within 20 s');
}

interface Scenario {
  name: string;
  delays: number[];
  changes: number;
  /** CPU time used by the control plane and by the fleet processes during the scenario. */
  cpu: { server: number; fleet: number };
}

/** Measures one scenario's CPU use around `run`, which returns the number of changes it made. */
async function measured(name: string, pids: { server: number; fleet: number[] }, run: (s: Scenario) => Promise<void>): Promise<Scenario> {
  const scenario: Scenario = { name, delays: [], changes: 0, cpu: { server: 0, fleet: 0 } };
  const server = cpuMs(pids.server);
  const fleet = pids.fleet.reduce((sum, pid) => sum + cpuMs(pid), 0);
  await run(scenario);
  scenario.cpu = { server: cpuMs(pids.server) - server, fleet: pids.fleet.reduce((sum, pid) => sum + cpuMs(pid), 0) - fleet };
  return scenario;
}

function report(backend: string, scenario: Scenario, goalMs: number): void {
  const d = scenario.delays;
  const p99 = percentile(d, 0.99);
  const perChange = (ms: number) => (ms / scenario.changes).toFixed(0);
  console.log(
    `${backend.padEnd(6)} ${scenario.name.padEnd(34)} n=${String(d.length).padStart(6)}  p50 ${percentile(d, 0.5).toFixed(1).padStart(6)} ms` +
      `  p99 ${p99.toFixed(1).padStart(6)} ms  max ${Math.max(...d)
        .toFixed(1)
        .padStart(6)} ms  (goal p99 < ${goalMs} ms: ${(p99 / goalMs).toFixed(2)})` +
      `  CPU per change: server ${perChange(scenario.cpu.server)} ms, VMs ${perChange(scenario.cpu.fleet)} ms`,
  );
}

/** User + system CPU time a process used so far (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** From each write's answer to each VM holding it (never below 0: a VM may have it before the client). */
function delaysFor(at: number[], answeredAt: number): number[] {
  return at.map((t) => Math.max(0, t - answeredAt));
}

async function runBackend(backend: 'memory' | 'etcd'): Promise<void> {
  const etcd = backend === 'etcd' ? await startEtcd() : undefined;
  const env: Record<string, string> = { LOG_LEVEL: 'warn', ...(etcd ? { STORAGE_BACKEND: 'etcd', ETCD_ENDPOINTS: etcd.endpoint } : {}) };
  const cp = await startControlPlane({ env, nodeArgs: SERVER_NODE_ARGS, ...(SERVER_BIN ? { bin: SERVER_BIN } : {}) });
  const fleet = new Fleet();
  // A benchmark that dies must not leave its server (or etcd) running.
  const killOnExit = (): void => {
    cp.child.kill('SIGKILL');
    for (const pid of fleet.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', killOnExit);
  try {
    const startedAt = performance.now();
    await fleet.start(cp.url);
    const initial = (await call(cp.url, 'GET', '/v1/ruleset')).json.version as number;
    await fleet.reached(initial);
    await settled(cp.url);
    console.log(
      `${backend}: ${VMS} worker VMs in ${VM_PROCS} processes loaded and polling after ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    const goal = backend === 'memory' ? 100 : 250;
    let percentage = 1;
    // Writes of a burst go to different policies: writes of one policy 50 ms apart could overlap and conflict on etcd.
    const write = (name = 'bench-propagation') => call(cp.url, 'POST', '/v1/policies', policy(name, (percentage++ % 90) + 1));
    for (let i = 0; i < WARMUP; i++) {
      await fleet.reached(Number((await write()).json.metadata.version));
      await settled(cp.url);
    }

    const pids = { server: cp.child.pid!, fleet: fleet.pids };
    const isolated = await measured(`isolated writes (${ROUNDS})`, pids, async (scenario) => {
      for (let round = 0; round < ROUNDS; round++) {
        const w = await write();
        scenario.delays.push(...delaysFor(await fleet.reached(Number(w.json.metadata.version)), w.at));
        scenario.changes++;
        await settled(cp.url);
      }
    });
    report(backend, isolated, goal);
    await sleep(200);

    const burst = await measured(`back-to-back writes ${GAP_MS} ms apart (${BURSTS}x${BURST})`, pids, async (scenario) => {
      for (let b = 0; b < BURSTS; b++) {
        const began = performance.now();
        const writes: Promise<{ json: any; at: number }>[] = [];
        for (let k = 0; k < BURST; k++) {
          await sleep(Math.max(0, began + k * GAP_MS - performance.now()));
          writes.push(write(`bench-burst-${k}`));
        }
        for (const w of await Promise.all(writes)) {
          scenario.delays.push(...delaysFor(await fleet.reached(Number(w.json.metadata.version)), w.at));
          scenario.changes++;
        }
        await settled(cp.url);
      }
    });
    report(backend, burst, goal);
    await sleep(200);

    const halt = await measured(`halt (${HALT_ROUNDS})`, pids, async () => undefined);
    const resume = await measured(`resume (${HALT_ROUNDS})`, pids, async () => undefined);
    for (let round = 0; round < HALT_ROUNDS; round++) {
      for (const [scenario, change] of [
        [halt, () => call(cp.url, 'POST', '/v1/halt', { reason: 'bench' })],
        [resume, () => call(cp.url, 'DELETE', '/v1/halt')],
      ] as const) {
        const at = { server: cpuMs(pids.server), fleet: pids.fleet.reduce((sum, pid) => sum + cpuMs(pid), 0) };
        const c = await change();
        scenario.delays.push(...delaysFor(await fleet.reached(Number(c.json.version)), c.at));
        scenario.changes++;
        await settled(cp.url);
        scenario.cpu.server += cpuMs(pids.server) - at.server;
        scenario.cpu.fleet += pids.fleet.reduce((sum, pid) => sum + cpuMs(pid), 0) - at.fleet;
        await sleep(200);
      }
    }
    report(backend, halt, goal);
    report(backend, resume, goal);
  } finally {
    process.off('exit', killOnExit);
    await fleet.stop();
    await cp.stop();
    if (cp.output().trim() !== '') process.stderr.write(cp.output());
    await etcd?.stop();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** The bare server in the control plane's place: each round's rule set comes from the real one, measured from when the bare one answers. */
async function runFloor(): Promise<void> {
  const cp = await startControlPlane({ env: { LOG_LEVEL: 'warn' } });
  const floor = fork(SELF, ['floor-server'], { stdio: 'inherit', execArgv: SERVER_NODE_ARGS });
  const replies: ((m: FloorMessage) => void)[] = [];
  floor.on('message', (m: FloorMessage) => replies.shift()?.(m));
  const ask = (m: FloorMessage): Promise<FloorMessage> =>
    new Promise((resolve) => {
      replies.push(resolve);
      floor.send(m);
    });
  const fleet = new Fleet();
  try {
    const listening = await ask({ kind: 'port?' });
    if (listening.kind !== 'port') throw new Error('the floor server did not start');
    await fleet.start(`http://127.0.0.1:${listening.port}`);
    let percentage = 1;
    const publish = async (): Promise<{ version: number; at: number }> => {
      const written = await call(cp.url, 'POST', '/v1/policies', policy('bench-propagation', (percentage++ % 90) + 1));
      const version = Number(written.json.metadata.version);
      const response = await fetch(`${cp.url}/v1/ruleset?service=frontend&namespace=demo&wireVersion=5`);
      const body = await response.text();
      const answered = await ask({ kind: 'publish', body, version });
      if (answered.kind !== 'published') throw new Error('the floor server did not publish');
      return { version, at: answered.at };
    };
    const settledFloor = async (): Promise<void> => {
      const deadline = performance.now() + 20_000;
      while (performance.now() < deadline) {
        const held = await ask({ kind: 'held?' });
        if (held.kind === 'held' && held.count >= VMS) return;
        await sleep(20);
      }
      throw new Error('the VMs did not all hold a poll again within 20 s');
    };
    await fleet.reached((await publish()).version);
    await settledFloor();
    for (let i = 0; i < WARMUP; i++) {
      await fleet.reached((await publish()).version);
      await settledFloor();
    }
    const pids = { server: floor.pid!, fleet: fleet.pids };
    const isolated = await measured(`bare server, isolated (${ROUNDS})`, pids, async (scenario) => {
      for (let round = 0; round < ROUNDS; round++) {
        const p = await publish();
        scenario.delays.push(...delaysFor(await fleet.reached(p.version), p.at));
        scenario.changes++;
        await settledFloor();
      }
    });
    report('floor', isolated, 100);
  } finally {
    await fleet.stop();
    floor.kill();
    await cp.stop();
  }
}

const mode = process.argv[2];
if (mode === 'floor-server') {
  await runFloorServer();
} else if (mode === 'fleet') {
  const [controlPlane, index, count] = process.argv.slice(3);
  await runFleet(controlPlane!, Number(index), Number(count));
} else {
  console.log(`propagation through ${VMS} plugin VMs (${VM_PROCS} processes x ${VMS_PER_PROC}); load average at start: ${loadAverage()}`);
  if (!mode || mode === 'memory') await runBackend('memory');
  if (!mode || mode === 'etcd') await runBackend('etcd');
  if (!mode || mode === 'floor') await runFloor();
  console.log(`load average at end: ${loadAverage()}`);
}
