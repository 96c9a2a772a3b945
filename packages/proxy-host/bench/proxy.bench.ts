// Throughput and latency with wrk (2 threads, 10 s per run) against: the upstream directly, nginx,
// hfi-proxy --no-plugin, and hfi-proxy with the plugin and 100 non-matching rules; then hfi-proxy's
// RSS under 1,000 concurrent connections. Figures go to docs/benchmarks/proxy.md by hand.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const DURATION = process.env.BENCH_SECONDS ?? '10';
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function start(cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(cmd, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', () => {});
  children.push(child);
  return child;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

/** Until every worker VM (the default 2) has loaded a rule set: the plugin run is measured with its 100 rules. */
async function waitForRuleSet(adminPort: number, workers: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const stats = await (await fetch(`http://127.0.0.1:${adminPort}/stats/prometheus`)).text();
    if (Number(/^wasmcustom_hfi_ruleset_updates_total\{\} (\d+)$/m.exec(stats)?.[1] ?? 0) >= workers) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('hfi-proxy did not load the rule set in 15 s');
}

interface WrkResult {
  rps: number;
  requests: number;
  p50: string;
  p99: string;
}

function wrk(url: string, connections = 50, seconds = DURATION): WrkResult {
  const r = spawnSync('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  if (r.error) throw new Error(`wrk is needed (Debian package wrk): ${r.error.message}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? NaN);
  const p50 = /^\s+50%\s+(\S+)/m.exec(r.stdout)?.[1] ?? '?';
  const p99 = /^\s+99%\s+(\S+)/m.exec(r.stdout)?.[1] ?? '?';
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1];
  if (errors) console.log(`  (non-2xx responses: ${errors})`);
  return { rps, requests, p50, p99 };
}

/** CPU seconds (user + system) a process has used: with a shared machine, CPU per request is steadier than req/s. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'hfi-bench-'));
  try {
    const upPort = await freePort();
    start(process.execPath, [
      '-e',
      `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/json','content-length':11});s.end('{"ok":true}')})}).listen(${upPort},'127.0.0.1')`,
    ]);
    await waitPort(upPort);

    const nginxPort = await freePort();
    writeFileSync(
      join(tmp, 'nginx.conf'),
      `worker_processes 1;\npid ${tmp}/nginx.pid;\nerror_log ${tmp}/error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  client_body_temp_path ${tmp}; proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp}; uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp};\n  upstream up { server 127.0.0.1:${upPort}; keepalive 64; }\n  server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n}\n`,
    );
    start('nginx', ['-c', join(tmp, 'nginx.conf'), '-g', 'daemon off;']);
    await waitPort(nginxPort);

    const barePort = await freePort();
    const bareProc = start(process.execPath, [
      'packages/proxy-host/bin/hfi-proxy.js',
      '--no-plugin',
      '--listen',
      String(barePort),
      '--admin',
      '0',
      '--upstream',
      `http://127.0.0.1:${upPort}`,
    ]);
    await waitPort(barePort);

    const cpPort = await freePort();
    start(process.execPath, ['packages/control-plane/bin/hfi-control-plane.js'], {
      CONTROL_PLANE_PORT: String(cpPort),
      CONTROL_PLANE_ADDR: '127.0.0.1',
      STORAGE_BACKEND: 'memory',
      LOG_LEVEL: 'warn',
    });
    await waitPort(cpPort);
    for (let i = 0; i < 100; i++) {
      const body = JSON.stringify({
        apiVersion: 'v1',
        kind: 'FaultInjectionPolicy',
        metadata: { name: `bench-${i}` },
        spec: {
          selector: { service: 'frontend', namespace: 'demo' },
          rules: [
            {
              match: { path: { prefix: `/never-${i}` }, headers: [{ name: 'x-bench', exact: String(i) }] },
              fault: { percentage: 100, abort: { httpStatus: 500 } },
            },
          ],
        },
      });
      const r = await fetch(`http://127.0.0.1:${cpPort}/v1/policies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (r.status >= 300) throw new Error(`policy ${i}: ${r.status} ${await r.text()}`);
    }
    const pluginPort = await freePort();
    const adminPort = await freePort();
    const plugged = start(process.execPath, [
      'packages/proxy-host/bin/hfi-proxy.js',
      '--listen',
      String(pluginPort),
      '--admin',
      String(adminPort),
      '--upstream',
      `http://127.0.0.1:${upPort}`,
      '--control-plane',
      `http://127.0.0.1:${cpPort}`,
      '--service',
      'frontend',
      '--namespace',
      'demo',
      '--log-level',
      'warn',
    ]);
    await waitPort(pluginPort);
    await waitForRuleSet(adminPort, 2);

    const results: Record<string, WrkResult> = {};
    for (const [name, port, pid] of [
      ['upstream directly', upPort, null],
      ['nginx (1 worker)', nginxPort, null],
      ['hfi-proxy --no-plugin', barePort, bareProc.pid!],
      ['hfi-proxy + plugin, 100 rules', pluginPort, plugged.pid!],
    ] as const) {
      const cpu0 = pid ? cpuSeconds(pid) : 0;
      const r = (results[name] = wrk(`http://127.0.0.1:${port}/api/items`));
      const cpu = pid ? `   proxy CPU ${((1e6 * (cpuSeconds(pid) - cpu0)) / r.requests).toFixed(0).padStart(4)} µs/req` : '';
      console.log(`${name.padEnd(32)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.padStart(8)}   p99 ${r.p99.padStart(8)}${cpu}`);
    }
    const bare = results['hfi-proxy --no-plugin']!.rps;
    const plugin = results['hfi-proxy + plugin, 100 rules']!.rps;
    const nginx = results['nginx (1 worker)']!.rps;
    console.log(
      `plugin cost: ${(100 * (1 - plugin / bare)).toFixed(1)}% of bare-proxy throughput (plugin/bare = ${(plugin / bare).toFixed(2)})`,
    );
    console.log(`hfi-proxy bare / nginx = ${(bare / nginx).toFixed(2)}; with plugin / nginx = ${(plugin / nginx).toFixed(2)}`);

    const idle = rssMb(plugged.pid!);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(plugged.pid!))), 200);
    const c1000 = await new Promise<WrkResult>((resolve) =>
      setImmediate(() => resolve(wrk(`http://127.0.0.1:${pluginPort}/api/items`, 1000, '5'))),
    );
    clearInterval(sampler);
    // spawnSync blocked the sampler; read once more while connections may still linger.
    peak = Math.max(peak, rssMb(plugged.pid!));
    console.log(
      `hfi-proxy + plugin RSS: idle ${idle.toFixed(0)} MB, after 1,000 connections ${peak.toFixed(0)} MB (${c1000.rps.toFixed(0)} req/s at -c1000)`,
    );
  } finally {
    // SIGTERM: nginx's master then stops its workers (SIGKILL would orphan them).
    for (const c of children) c.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
