// Throughput and latency with wrk (2 threads, 10 s per run) against: the upstream directly, nginx,
// hfi-proxy --no-plugin, and hfi-proxy with the plugin and 100 non-matching rules; then hfi-proxy's
// RSS under 1,000 concurrent connections. Figures go to docs/benchmarks/proxy.md by hand.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  answersOk,
  applyPolicy,
  cleanEnv,
  freePort,
  type RunningProcess,
  scrapeMetric,
  startControlPlane,
  startHfiProxy,
  supervise,
  waitFor,
} from '@hfi/testkit';

const DURATION = process.env.BENCH_SECONDS ?? '10';
const running: RunningProcess[] = [];

/** A program that is not one of ours (nginx, the minimal upstream), stopped with the rest at the end. */
function start(cmd: string, args: string[]): RunningProcess {
  const proc = supervise(spawn(cmd, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
  running.push(proc);
  return proc;
}

async function listening(port: number, what: string): Promise<void> {
  await waitFor(() => answersOk(`http://127.0.0.1:${port}/`), { what: `${what} to answer on port ${port}`, timeoutMs: 10_000 });
}

/** Until every worker VM (the default 2) has loaded a rule set: the plugin run is measured with its 100 rules. */
async function waitForRuleSet(admin: string, workers: number): Promise<void> {
  await waitFor(async () => (await scrapeMetric(`${admin}/stats/prometheus`, 'wasmcustom_hfi_ruleset_updates_total')) >= workers, {
    what: 'hfi-proxy to load the rule set',
    timeoutMs: 15_000,
  });
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
    await listening(upPort, 'the upstream');

    const nginxPort = await freePort();
    writeFileSync(
      join(tmp, 'nginx.conf'),
      `worker_processes 1;\npid ${tmp}/nginx.pid;\nerror_log ${tmp}/error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  client_body_temp_path ${tmp}; proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp}; uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp};\n  upstream up { server 127.0.0.1:${upPort}; keepalive 64; }\n  server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n}\n`,
    );
    start('nginx', ['-c', join(tmp, 'nginx.conf'), '-g', 'daemon off;']);
    await listening(nginxPort, 'nginx');

    const upstream = `http://127.0.0.1:${upPort}`;
    const bare = await startHfiProxy({ upstream, args: ['--no-plugin'] });
    running.push(bare);

    const cp = await startControlPlane({ env: { LOG_LEVEL: 'warn' } });
    running.push(cp);
    for (let i = 0; i < 100; i++) {
      await applyPolicy(cp.url, {
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
    }
    const plugged = await startHfiProxy({ upstream, controlPlane: cp.url, service: 'frontend' });
    running.push(plugged);
    await waitForRuleSet(plugged.admin, 2);

    const results: Record<string, WrkResult> = {};
    for (const [name, url, pid] of [
      ['upstream directly', upstream, null],
      ['nginx (1 worker)', `http://127.0.0.1:${nginxPort}`, null],
      ['hfi-proxy --no-plugin', bare.url, bare.child.pid!],
      ['hfi-proxy + plugin, 100 rules', plugged.url, plugged.child.pid!],
    ] as const) {
      const cpu0 = pid ? cpuSeconds(pid) : 0;
      const r = (results[name] = wrk(`${url}/api/items`));
      const cpu = pid ? `   proxy CPU ${((1e6 * (cpuSeconds(pid) - cpu0)) / r.requests).toFixed(0).padStart(4)} µs/req` : '';
      console.log(`${name.padEnd(32)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.padStart(8)}   p99 ${r.p99.padStart(8)}${cpu}`);
    }
    const bareRps = results['hfi-proxy --no-plugin']!.rps;
    const pluginRps = results['hfi-proxy + plugin, 100 rules']!.rps;
    const nginxRps = results['nginx (1 worker)']!.rps;
    console.log(
      `plugin cost: ${(100 * (1 - pluginRps / bareRps)).toFixed(1)}% of bare-proxy throughput (plugin/bare = ${(pluginRps / bareRps).toFixed(2)})`,
    );
    console.log(`hfi-proxy bare / nginx = ${(bareRps / nginxRps).toFixed(2)}; with plugin / nginx = ${(pluginRps / nginxRps).toFixed(2)}`);

    const pluggedPid = plugged.child.pid!;
    const idle = rssMb(pluggedPid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pluggedPid))), 200);
    const c1000 = await new Promise<WrkResult>((resolve) => setImmediate(() => resolve(wrk(`${plugged.url}/api/items`, 1000, '5'))));
    clearInterval(sampler);
    // spawnSync blocked the sampler; read once more while connections may still linger.
    peak = Math.max(peak, rssMb(pluggedPid));
    console.log(
      `hfi-proxy + plugin RSS: idle ${idle.toFixed(0)} MB, after 1,000 connections ${peak.toFixed(0)} MB (${c1000.rps.toFixed(0)} req/s at -c1000)`,
    );
  } finally {
    // SIGTERM first: nginx's master then stops its workers (SIGKILL would orphan them).
    await Promise.all(running.map((proc) => proc.stop()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
