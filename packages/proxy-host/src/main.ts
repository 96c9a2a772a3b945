// hfi-proxy: a local sidecar. The one place that reads argv/env, the real clock, OS randomness and
// signals; it is also the only code of this package that knows HFI's plugin configuration (@hfi/api PluginConfig).
import { randomFillSync, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { validateHeaderValue } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PluginConfig } from '@hfi/api';
import { parseDurationMs } from '@hfi/duration';
import { createAdminServer } from './admin.js';
import type { Cluster } from './http-call.js';
import { StatsStore } from './metrics.js';
import { type LoadedPlugin, loadPlugin } from './plugin.js';
import type { HostServices } from './plugin-config.js';
import { HttpCluster } from './proxy/http-cluster.js';
import { createReverseProxy } from './proxy/reverse-proxy.js';
import { RealScheduler } from './scheduler.js';

const HELP = `Usage: hfi-proxy --upstream http://127.0.0.1:8888 [options]

A local HTTP/1.1 sidecar that runs the HFI proxy-wasm plugin the way Envoy does.

Options:
  --listen <[host:]port>         where to accept requests (default 127.0.0.1:10000; 0 = any free port)
  --upstream <url>               the service behind the proxy (required), e.g. http://127.0.0.1:8888
  --control-plane <url>          HFI control plane (default http://127.0.0.1:8080), cluster "hfi-control-plane"
  --service <name>               node metadata WORKLOAD_NAME (the service this sidecar fronts)
  --namespace <ns>               node metadata NAMESPACE
  --pod <name>                   node metadata NAME (default <service>-local)
  --plugin <file.wasm>           plugin module (default: the built @hfi/plugin hfi-fault-filter.wasm)
  --plugin-config <json>         JSON object merged over the generated plugin configuration (keys: docs/plugin.md)
  --no-plugin                    run as a bare proxy, no wasm
  --admin <[host:]port>          admin port: /stats/prometheus /stats /ready /server_info (default 127.0.0.1:15000)
  --workers <n>                  worker VMs (default 2)
  --token <t>                    data-plane token sent to the control plane (env HFI_DATAPLANE_TOKEN)
  --fail-closed                  after a plugin failure answer 503 (default: fail open, pass traffic)
  --envoy-version <1.32|1.33>    which Envoy's property layout to reproduce (default 1.33)
  --log-level <level>            trace|debug|info|warn|error|critical (default info)
  --upstream-timeout <duration>  route timeout, e.g. 15s, 1500ms, 1m30s (default 15s, like Envoy's);
                                 a bare integer is milliseconds (what the flag took before)
  --help                         show this help
`;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];

function fail(message: string): never {
  process.stderr.write(`hfi-proxy: ${message}\n(see hfi-proxy --help)\n`);
  process.exit(2);
}

function hostPort(value: string, flag: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) fail(`${flag}: expected [host:]port, got "${value}"`);
  return { host: m[1] ?? '127.0.0.1', port };
}

function httpUrl(value: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${flag}: not a URL: "${value}" (expected e.g. http://127.0.0.1:8888)`);
  }
  if (url.protocol !== 'http:') fail(`${flag}: only http:// is supported, got "${value}"`);
  return url;
}

/** Node's timers fire at once past 2^31-1 ms (TimeoutOverflowWarning), which would time out every request. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration flag's value: > 0 and within what a Node timer can wait. */
function durationMs(value: string, flag: string): number {
  // A bare integer is milliseconds, as hfi-proxy's flags took before they took durations.
  const parsed = /^\d+$/.test(value) ? { ok: true as const, ms: Number(value) } : parseDurationMs(value);
  if (!parsed.ok) fail(`${flag}: "${value}" ${parsed.reason}`);
  if (parsed.ms <= 0) fail(`${flag}: "${value}" must be greater than 0`);
  if (parsed.ms > MAX_TIMER_MS) fail(`${flag}: "${value}" is too large: at most ${MAX_TIMER_MS}ms (596h31m23.647s)`);
  return parsed.ms;
}

/**
 * The built plugin, a declared dependency of this package: only its .wasm artifact, read at run time, never
 * its source (so the host stays independent of the plugin's code; docs/adr/0033).
 */
function defaultPluginPath(): string {
  return fileURLToPath(import.meta.resolve('@hfi/plugin/hfi-fault-filter.wasm'));
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        listen: { type: 'string', default: '127.0.0.1:10000' },
        upstream: { type: 'string' },
        'control-plane': { type: 'string', default: 'http://127.0.0.1:8080' },
        service: { type: 'string' },
        namespace: { type: 'string' },
        pod: { type: 'string' },
        plugin: { type: 'string' },
        'plugin-config': { type: 'string' },
        'no-plugin': { type: 'boolean', default: false },
        admin: { type: 'string', default: '127.0.0.1:15000' },
        workers: { type: 'string', default: '2' },
        token: { type: 'string' },
        'fail-closed': { type: 'boolean', default: false },
        'envoy-version': { type: 'string', default: '1.33' },
        'log-level': { type: 'string', default: 'info' },
        'upstream-timeout': { type: 'string', default: '15s' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (err) {
    fail((err as Error).message);
  }
}

async function main(): Promise<void> {
  const a = parseCommandLine().values;
  if (a.help) {
    process.stdout.write(HELP);
    return;
  }
  if (!a.upstream) fail('--upstream is required: the URL of the service behind the proxy, e.g. --upstream http://127.0.0.1:8888');
  const upstream = httpUrl(a.upstream, '--upstream');
  const controlPlane = httpUrl(a['control-plane']!, '--control-plane');
  const listen = hostPort(a.listen!, '--listen');
  const admin = hostPort(a.admin!, '--admin');
  const workersCount = Number(a.workers);
  if (!Number.isInteger(workersCount) || workersCount < 1 || workersCount > 64) fail(`--workers: expected 1..64, got "${a.workers}"`);
  const logLevel = LEVELS.indexOf(a['log-level']!);
  if (logLevel < 0) fail(`--log-level: expected one of ${LEVELS.join('|')}, got "${a['log-level']}"`);
  const envoyVersion = a['envoy-version'];
  if (envoyVersion !== '1.32' && envoyVersion !== '1.33') fail(`--envoy-version: expected 1.32 or 1.33, got "${envoyVersion}"`);
  const upstreamTimeoutMs = durationMs(a['upstream-timeout']!, '--upstream-timeout');
  let override: PluginConfig = {};
  if (a['plugin-config']) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(a['plugin-config']);
    } catch (err) {
      fail(`--plugin-config: not valid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('--plugin-config: expected a JSON object');
    // The plugin would ignore an unknown key and refuse a bad value by passing all traffic: say so here instead.
    // (The schema library is loaded only then: it would slow every start.)
    const { compileChecker, PLUGIN_CONFIG_KEYS, PluginConfig } = await import('@hfi/api');
    const problem = compileChecker(PluginConfig).errors(parsed)[0];
    if (problem) fail(`--plugin-config: ${problem.path}: ${problem.message} (the plugin reads ${PLUGIN_CONFIG_KEYS.join(', ')})`);
    override = parsed as PluginConfig;
  }
  const service = a.service ?? '';
  const namespace = a.namespace ?? '';
  const pod = a.pod ?? `${service || 'hfi-proxy'}-local`;
  const token = a.token ?? process.env.HFI_DATAPLANE_TOKEN ?? '';
  try {
    if (token) validateHeaderValue('authorization', `Bearer ${token}`);
  } catch {
    fail(
      `${a.token ? '--token' : 'HFI_DATAPLANE_TOKEN'}: the token holds a character an HTTP header cannot carry (a control character or a trailing newline?)`,
    );
  }

  const log = (level: number, message: string) => {
    if (level >= logLevel) process.stderr.write(`[${new Date().toISOString()}] [${LEVELS[level] ?? level}] ${message}\n`);
  };
  const scheduler = new RealScheduler(
    () => Date.now(),
    () => process.hrtime.bigint(),
  );
  const stats = new StatsStore();
  const controlPlaneCluster = new HttpCluster(controlPlane);
  const clusters = new Map<string, Cluster>([['hfi-control-plane', controlPlaneCluster]]);
  const services: HostServices = {
    scheduler,
    randomBytes: (buf) => randomFillSync(buf),
    clusters,
    stats,
    log: (level, message, worker) => log(level, `wasm log hfi-fault-filter${worker >= 0 ? ` [worker ${worker}]` : ''}: ${message}`),
    sharedData: new Map(),
  };

  let plugin: LoadedPlugin | null = null;
  let pluginPath = '';
  if (!a['no-plugin']) {
    pluginPath = a.plugin ?? defaultPluginPath();
    let code: Uint8Array;
    try {
      code = new Uint8Array(await readFile(pluginPath));
    } catch (err) {
      fail(`cannot read the plugin ${pluginPath}: ${(err as Error).message}${a.plugin ? '' : ' (run `npm run build` first)'}`);
    }
    const pluginConfig: PluginConfig = {
      control_plane_cluster: 'hfi-control-plane',
      control_plane_authority: controlPlane.host,
      ...(token ? { token } : {}),
      ...override,
    };
    plugin = await loadPlugin(
      code,
      {
        name: `${namespace || 'default'}.hfi-fault-filter`,
        rootId: '',
        vmId: '',
        vmConfig: new Uint8Array(0),
        pluginConfig: new TextEncoder().encode(JSON.stringify(pluginConfig)),
        failStrategy: a['fail-closed'] ? 'closed' : 'open',
        envoyVersion,
        nodeMetadata: { WORKLOAD_NAME: service, NAMESPACE: namespace, NAME: pod },
        nodeId: `sidecar~127.0.0.1~${pod}.${namespace || 'default'}~${namespace || 'default'}.svc.cluster.local`,
        env: { ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION: '1' },
        logLevel,
      },
      services,
      workersCount,
    );
    if (plugin.loadError) {
      log(4, `plugin ${pluginPath} failed to load: ${plugin.loadError}`);
      log(4, a['fail-closed'] ? 'failing closed: every request gets 503' : 'failing open: traffic passes without the plugin');
    }
  }

  const loaded = plugin && !plugin.loadError ? plugin : null;
  const proxy = createReverseProxy({
    upstream,
    workers: loaded ? loaded.workers : null,
    failClosedWithoutPlugin: Boolean(plugin?.loadError) && a['fail-closed']!,
    upstreamTimeoutMs,
    scheduler,
    requestId: () => randomUUID(),
    onError: (m) => log(3, m),
  });
  const adminServer = createAdminServer({
    stats,
    ready: () =>
      plugin?.loadError
        ? { ok: false, detail: `plugin failed to load: ${plugin.loadError}` }
        : loaded?.workers.every((w) => w.failed)
          ? { ok: false, detail: 'every plugin VM failed' }
          : { ok: true, detail: '' },
    info: () => ({
      upstream: upstream.href,
      controlPlane: controlPlane.href,
      plugin: plugin ? { path: pluginPath, abi: plugin.abi, loadError: plugin.loadError } : null,
      workers: loaded?.workers.map((w, i) => ({ worker: i, failed: w.failed, failMessage: w.vm.failMessage })) ?? [],
      identity: { service, namespace, pod },
      envoyVersion,
    }),
  });

  const listenOn = (server: import('node:http').Server, where: { host: string; port: number }, what: string) =>
    new Promise<AddressInfo>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') fail(`${what}: ${where.host}:${where.port} is already in use`);
        fail(`${what}: cannot listen on ${where.host}:${where.port}: ${err.message}`);
      });
      server.listen(where.port, where.host, () => resolve(server.address() as AddressInfo));
    });
  const adminAddr = await listenOn(adminServer, admin, '--admin');
  const proxyAddr = await listenOn(proxy, listen, '--listen');
  process.stdout.write(
    `hfi-proxy: listening on http://${proxyAddr.address}:${proxyAddr.port} -> ${upstream.origin}` +
      ` (admin http://${adminAddr.address}:${adminAddr.port}, plugin ${loaded ? `${workersCount} workers` : plugin ? 'FAILED' : 'off'})\n`,
  );

  const stop = () => {
    plugin?.close();
    controlPlaneCluster.close();
    proxy.closeAllConnections?.();
    adminServer.closeAllConnections?.();
    proxy.close();
    adminServer.close();
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
