// The demo mesh on loopback, as `npm run mesh`, the e2e tests and the mesh benchmark run it: the control plane,
// three services (frontend -> cart -> catalog) each behind its own hfi-proxy sidecar with the compiled plugin, and a
// steady load generator at frontend's sidecar. A service calls the next through the callee's sidecar, so a fault on
// cart is injected in front of cart, and frontend's sidecar sees what the shop's users see.
// The settings (timeouts, retries, routes, rate) are given, declared once in @hfi/recommender's DEMO_MESH, which its
// simulated model runs too; testkit depends on none of our packages.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Call, type RunningCallingService, startCallingService } from './calling-service.js';
import { type RunningControlPlane, startControlPlane } from './control-plane.js';
import { type RunningHfiProxy, startHfiProxy } from './hfi-proxy.js';
import { type RunningLoad, startLoad } from './load.js';
import type { RunningProcess } from './process.js';

export interface MeshSettings {
  namespace: string;
  entryRatePerSecond: number;
  entry: readonly (Call & { perTen: number; calls: Call })[];
  frontend: { ownMs: number; timeoutMs: number | null; retries: number };
  cart: { ownMs: number; timeoutMs: number | null; retries: number; calls: Call };
  catalog: { ownMs: number };
}

export interface MeshOptions {
  settings: MeshSettings;
  /** The control plane's port; a free one by default (`npm run mesh`: 8080). */
  controlPlanePort?: number;
  /** frontend's sidecar, where the load goes; a free one by default. */
  entryPort?: number;
  /** Overrides settings.entryRatePerSecond; 0 starts no load. */
  ratePerSecond?: number;
  /** Every output line of the control plane and the sidecars, as it comes (`npm run mesh` prefixes and prints them). */
  onLine?: (label: string, line: string) => void;
}

export interface MeshMember {
  service: 'frontend' | 'cart' | 'catalog';
  /** The service itself, behind its sidecar. */
  url: string;
  sidecar: RunningHfiProxy;
}

export interface RunningMesh {
  controlPlane: RunningControlPlane;
  members: MeshMember[];
  /** frontend's sidecar: the mesh's entry. */
  entry: string;
  load: RunningLoad | undefined;
  /** Stops the load, the sidecars, the services and the control plane (whichever is still running). */
  stop(): Promise<void>;
}

export async function startMesh(options: MeshOptions): Promise<RunningMesh> {
  const { settings } = options;
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const controlPlane = await startControlPlane({
      ...(options.controlPlanePort !== undefined && { port: options.controlPlanePort }),
      env: { STORAGE_BACKEND: 'memory', LOG_FORMAT: 'text', LOG_LEVEL: 'warn' },
    });
    follow(controlPlane, 'control-plane', options.onLine);
    stops.push(() => controlPlane.stop());
    const sidecar = async (service: MeshMember['service'], upstream: string, port?: number): Promise<RunningHfiProxy> => {
      const proxy = await startHfiProxy({
        upstream,
        controlPlane: controlPlane.url,
        service,
        args: ['--namespace', settings.namespace, ...(port !== undefined ? ['--listen', `127.0.0.1:${port}`] : [])],
      });
      follow(proxy, `${service}-sidecar`, options.onLine);
      stops.push(() => proxy.stop());
      return proxy;
    };
    const catalog = await startCatalog(settings.catalog.ownMs);
    stops.push(() => catalog.close());
    const catalogSidecar = await sidecar('catalog', catalog.url);
    const cart = await service(stops, {
      target: catalogSidecar.url,
      timeoutMs: settings.cart.timeoutMs,
      retries: settings.cart.retries,
      ownMs: settings.cart.ownMs,
      route: () => settings.cart.calls,
    });
    const cartSidecar = await sidecar('cart', cart.url);
    const frontend = await service(stops, {
      target: cartSidecar.url,
      timeoutMs: settings.frontend.timeoutMs,
      retries: settings.frontend.retries,
      ownMs: settings.frontend.ownMs,
      // An entry path the mesh does not know is passed on unchanged (a probe reaches cart with its own path).
      route: (request) => settings.entry.find((e) => e.method === request.method && e.path === request.path)?.calls ?? request,
    });
    const frontendSidecar = await sidecar('frontend', frontend.url, options.entryPort);
    const rate = options.ratePerSecond ?? settings.entryRatePerSecond;
    const load = rate > 0 ? startLoad({ target: frontendSidecar.url, ratePerSecond: rate, requests: entryCycle(settings) }) : undefined;
    if (load) stops.push(() => load.stop());
    return {
      controlPlane,
      members: [
        { service: 'frontend', url: frontend.url, sidecar: frontendSidecar },
        { service: 'cart', url: cart.url, sidecar: cartSidecar },
        { service: 'catalog', url: catalog.url, sidecar: catalogSidecar },
      ],
      entry: frontendSidecar.url,
      load,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The entry routes repeated by their shares, interleaved: 7 and 3 of 10 give A B A A B A A B A A. */
function entryCycle(settings: MeshSettings): Call[] {
  const total = settings.entry.reduce((sum, e) => sum + e.perTen, 0);
  const cycle: Call[] = [];
  const given = settings.entry.map(() => 0);
  for (let i = 0; i < total; i++) {
    // The route furthest behind its share goes next.
    let best = 0;
    settings.entry.forEach((e, j) => {
      const behind = ((i + 1) * e.perTen) / total - given[j]!;
      const bestBehind = ((i + 1) * settings.entry[best]!.perTen) / total - given[best]!;
      if (behind > bestBehind) best = j;
    });
    given[best]!++;
    const { method, path } = settings.entry[best]!;
    cycle.push({ method, path });
  }
  return cycle;
}

async function service(
  stops: (() => Promise<unknown>)[],
  options: Parameters<typeof startCallingService>[0],
): Promise<RunningCallingService> {
  const running = await startCallingService(options);
  stops.push(() => running.close());
  return running;
}

/** The end of the chain: answers 200 with a small JSON list after its own work. */
async function startCatalog(ownMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ items: [{ id: 1, name: 'teapot' }] });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      }, ownMs),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function follow(proc: RunningProcess, label: string, onLine: MeshOptions['onLine']): void {
  if (!onLine) return;
  for (const stream of [proc.child.stdout, proc.child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        onLine(label, buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
      }
    });
  }
}
