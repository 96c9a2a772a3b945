#!/usr/bin/env node
// `npm start`: the whole HFI loop on one machine, no Kubernetes. Starts the control plane (memory
// store), a small demo upstream (echoes JSON) and hfi-proxy in front of it, waits for each, prints
// what to type next, and stops everything on Ctrl-C. Ports: HFI_START_CONTROL_PLANE_PORT (8080),
// HFI_START_UPSTREAM_PORT (8888), HFI_START_PROXY_PORT (10000), HFI_START_ADMIN_PORT (15000).
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = (name, dflt) => {
  const raw = process.env[name] ?? String(dflt);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`start: ${name} must be a port number 1..65535, got "${raw}"`);
    process.exit(2);
  }
  return n;
};
const ports = {
  controlPlane: port('HFI_START_CONTROL_PLANE_PORT', 8080),
  upstream: port('HFI_START_UPSTREAM_PORT', 8888),
  proxy: port('HFI_START_PROXY_PORT', 10000),
  admin: port('HFI_START_ADMIN_PORT', 15000),
};
const HOST = '127.0.0.1';

function portFree(p) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(p, HOST, () => s.close(() => resolve(true)));
  });
}

const names = { controlPlane: 'control plane', upstream: 'demo upstream', proxy: 'hfi-proxy', admin: 'hfi-proxy admin' };
const envNames = {
  controlPlane: 'HFI_START_CONTROL_PLANE_PORT',
  upstream: 'HFI_START_UPSTREAM_PORT',
  proxy: 'HFI_START_PROXY_PORT',
  admin: 'HFI_START_ADMIN_PORT',
};
for (const [key, p] of Object.entries(ports)) {
  if (!(await portFree(p))) {
    console.error(`start: port ${p} (${names[key]}) is already in use on ${HOST}; free it or set ${envNames[key]}=<port>`);
    process.exit(1);
  }
}

const children = [];
let upstream; // the demo upstream, once it listens (a child may fail before that)
let stopping = false;
function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  upstream?.close();
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function launch(label, args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        out.write(`[${label}] ${buf.slice(0, i)}\n`);
        buf = buf.slice(i + 1);
      }
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`start: ${label} exited (${signal ?? code}); stopping everything`);
      stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url, label, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const req = http.get(url, (res) => {
        res.resume();
        resolve(res.statusCode !== undefined && res.statusCode < 500);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => req.destroy());
    });
    if (ok) return;
    if (stopping) process.exit(1);
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`start: ${label} did not become ready at ${url} within ${timeoutMs / 1000}s`);
  stopAll(1);
  // Do not go on starting the rest: give the children a moment to stop, then leave.
  await new Promise((r) => setTimeout(r, 500));
  process.exit(1);
}

// 1. Control plane, memory store.
launch('control-plane', ['packages/control-plane/bin/hfi-control-plane.js'], {
  CONTROL_PLANE_ADDR: HOST,
  CONTROL_PLANE_PORT: String(ports.controlPlane),
  STORAGE_BACKEND: 'memory',
  LOG_FORMAT: process.env.LOG_FORMAT ?? 'text',
});
await waitFor(`http://${HOST}:${ports.controlPlane}/v1/health`, 'control plane');

// 2. Demo upstream: echoes the request as JSON.
upstream = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const text = JSON.stringify({ service: 'frontend', method: req.method, path: req.url, headers: req.headers, body });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
await new Promise((resolve) => upstream.listen(ports.upstream, HOST, resolve));

// 3. hfi-proxy in front of it.
launch('hfi-proxy', [
  'packages/proxy-host/bin/hfi-proxy.js',
  '--listen',
  `${HOST}:${ports.proxy}`,
  '--admin',
  `${HOST}:${ports.admin}`,
  '--upstream',
  `http://${HOST}:${ports.upstream}`,
  '--control-plane',
  `http://${HOST}:${ports.controlPlane}`,
  '--service',
  'frontend',
  '--namespace',
  'demo',
]);
await waitFor(`http://${HOST}:${ports.admin}/ready`, 'hfi-proxy');

const cp = `http://${HOST}:${ports.controlPlane}`;
const px = `http://${HOST}:${ports.proxy}`;
// The CLI as the user types it: the server is named only when it is not the CLI's default.
const hfiCli = `${cp === 'http://127.0.0.1:8080' ? '' : `HFI_SERVER=${cp} `}npx hfi-cli`;
console.log(`
HFI is running:
  control plane  ${cp}          (memory store)
  dashboard      ${cp}/ui/
  demo upstream  http://${HOST}:${ports.upstream}   (echoes requests as JSON)
  hfi-proxy      ${px}         -> demo upstream, service=frontend namespace=demo
  proxy admin    http://${HOST}:${ports.admin}/stats/prometheus

Try it (in another terminal):
  curl -i ${px}/api/checkout                                          # passes through
  ${hfiCli} policy apply -f examples/abort.yaml
  curl -i ${px}/api/checkout                                          # 503 with x-hfi-fault
  ${hfiCli} policy apply -f examples/delay.yaml
  time curl -s ${px}/api/items                                       # ~500 ms slower
  curl -s http://${HOST}:${ports.admin}/stats/prometheus | grep wasmcustom_hfi
  ${hfiCli} policy list
  ${hfiCli} halt --reason "stop everything"   # the kill switch; \`hfi-cli resume\` lifts it
More policies: examples/*.yaml. Ctrl-C stops everything.

Note: the control plane keeps policies and halts in memory. Restarting it ends every experiment:
the data planes see a new epoch and drop their rules. Use STORAGE_BACKEND=etcd to keep them
(docs/control-plane.md).
`);
