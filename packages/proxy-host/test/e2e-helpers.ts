// Real processes on loopback for the end-to-end tests: the control plane's and hfi-proxy's real bins.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export interface Proc {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function launch(args: string[], env: Record<string, string>, ready: RegExp, what: string): Promise<{ proc: Proc; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const proc: Proc = {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 15 s:\n${out}`)), 15000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, match: m });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${out}`));
    });
  });
}

export async function startControlPlane(port = 0): Promise<Proc & { url: string; port: number }> {
  const { proc, match } = await launch(
    ['packages/control-plane/bin/hfi-control-plane.js'],
    { CONTROL_PLANE_PORT: String(port), CONTROL_PLANE_ADDR: '127.0.0.1', STORAGE_BACKEND: 'memory', LOG_LEVEL: 'info' },
    /listening at http:\/\/127\.0\.0\.1:(\d+)/i,
    'control plane',
  );
  const p = Number(match[1]);
  return { ...proc, url: `http://127.0.0.1:${p}`, port: p };
}

export async function startProxy(
  upstream: string,
  controlPlane: string,
  service: string,
  extra: string[] = [],
): Promise<Proc & { url: string; admin: string }> {
  const { proc, match } = await launch(
    [
      'packages/proxy-host/bin/hfi-proxy.js',
      '--listen',
      '0',
      '--admin',
      '0',
      '--upstream',
      upstream,
      '--control-plane',
      controlPlane,
      '--service',
      service,
      '--namespace',
      'demo',
      '--log-level',
      'warn',
      ...extra,
    ],
    {},
    /listening on (http:\/\/[\d.]+:\d+) .*admin (http:\/\/[\d.]+:\d+)/,
    'hfi-proxy',
  );
  return { ...proc, url: match[1]!, admin: match[2]! };
}

export async function startUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export async function applyPolicy(controlPlane: string, policy: unknown): Promise<void> {
  const r = await request(`${controlPlane}/v1/policies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(policy),
  });
  if (r.status >= 300) throw new Error(`apply failed: ${r.status} ${r.body}`);
}

export function policy(name: string, service: string, rules: unknown[], priority = 0) {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name },
    spec: { selector: { service, namespace: 'demo' }, priority, rules },
  };
}

/** Polls `check` until it holds or the deadline passes; returns the elapsed ms. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function closeAgent(): void {
  agent.destroy();
}
