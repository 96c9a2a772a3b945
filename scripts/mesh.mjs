#!/usr/bin/env node
// `npm run mesh`: the demo mesh on loopback, for hfi-recommender to search. The control plane (memory store),
// frontend -> cart -> catalog each behind its own hfi-proxy sidecar, and a steady load at frontend's sidecar;
// the services and their resilience settings are DEMO_MESH (@hfi/recommender), started by testkit's startMesh,
// the same definition the e2e tests and the mesh benchmark use. Prefixed logs; Ctrl-C stops everything.
// Overrides: HFI_MESH_CONTROL_PLANE_PORT (8080), HFI_MESH_ENTRY_PORT (10000), HFI_MESH_RATE (requests/s, 20).
import net from 'node:net';
import { DEMO_MESH } from '@hfi/recommender';
import { startMesh } from '@hfi/testkit';

const HOST = '127.0.0.1';
const number = (name, dflt, min, max, what) => {
  const raw = process.env[name] ?? String(dflt);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`mesh: ${name} must be ${what} ${min}..${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
};
const controlPlanePort = number('HFI_MESH_CONTROL_PLANE_PORT', 8080, 1, 65535, 'a port number');
const entryPort = number('HFI_MESH_ENTRY_PORT', 10000, 1, 65535, 'a port number');
const rate = number('HFI_MESH_RATE', DEMO_MESH.entryRatePerSecond, 1, 500, 'requests per second');

const portFree = (p) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(p, HOST, () => s.close(() => resolve(true)));
  });
for (const [p, what, env] of [
  [controlPlanePort, 'control plane', 'HFI_MESH_CONTROL_PLANE_PORT'],
  [entryPort, "frontend's sidecar", 'HFI_MESH_ENTRY_PORT'],
]) {
  if (!(await portFree(p))) {
    console.error(`mesh: port ${p} (${what}) is already in use on ${HOST}; free it or set ${env}=<port>`);
    process.exit(1);
  }
}

let mesh;
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  await mesh?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  mesh = await startMesh({
    settings: DEMO_MESH,
    controlPlanePort,
    entryPort,
    ratePerSecond: rate,
    onLine: (label, line) => console.log(`[${label}] ${line}`),
  });
} catch (error) {
  console.error(`mesh: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
for (const proc of [mesh.controlPlane, ...mesh.members.map((m) => m.sidecar)]) {
  void proc.exited.then((code) => {
    if (stopping) return;
    console.error(`mesh: a process exited (${code}); stopping everything`);
    void stopAll(1);
  });
}

const cp = mesh.controlPlane.url;
const server = cp === 'http://127.0.0.1:8080' ? '' : ` --server ${cp}`;
const env = cp === 'http://127.0.0.1:8080' ? '' : `HFI_SERVER=${cp} `;
const member = (name) => mesh.members.find((m) => m.service === name);
const timeout = (ms) => (ms === null ? 'no timeout' : `${ms} ms timeout`);
const f = DEMO_MESH.frontend;
const c = DEMO_MESH.cart;
console.log(`
The demo mesh is running (namespace ${DEMO_MESH.namespace}):
  control plane      ${cp}   (memory store; dashboard ${cp}/ui/)
  load               ${rate} requests/s to frontend: ${DEMO_MESH.entry.map((e) => `${e.perTen}/10 ${e.method} ${e.path}`).join(', ')}
  frontend sidecar   ${mesh.entry}   -> frontend ${member('frontend').url}: calls cart with a ${timeout(f.timeoutMs)}, ${f.retries} retry
  cart sidecar       ${member('cart').sidecar.url}   -> cart ${member('cart').url}: calls catalog ${c.calls.method} ${c.calls.path} with ${timeout(c.timeoutMs)}, ${c.retries} retries
  catalog sidecar    ${member('catalog').sidecar.url}   -> catalog ${member('catalog').url}: answers after ${DEMO_MESH.catalog.ownMs} ms

Try it (in another terminal):
  ${env}npx hfi-cli top --watch                           # what each workload sees
  npx hfi-recommender run -f examples/recommender/mesh.yaml${server} --budget 20 --markdown report.md
  curl -i ${mesh.entry}/shop
Ctrl-C stops everything.
`);
