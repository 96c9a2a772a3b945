// createTestHost: drives a compiled plugin the way Envoy would, on a simulated clock (like
// proxy-wasm-go-sdk's proxytest). The contract is documented in docs/proxy-host.md.
import { readFile } from 'node:fs/promises';
import type { HeaderPair } from '../abi/pairs.js';
import type { LocalReply, StreamContext, StreamSink } from '../context.js';
import { type Cluster, connectFailureResponse, type HttpCallOutcome, type HttpCallRequest, timeoutResponse } from '../http-call.js';
import { StatsStore } from '../metrics.js';
import { type LoadedPlugin, loadPlugin } from '../plugin.js';
import type { EnvoyVersion, FailStrategy, HostServices } from '../plugin-config.js';
import { seededRandomBytes } from '../random.js';
import { SimulatedScheduler } from '../scheduler.js';

export type HttpCallResult =
  | { status: number; headers?: [string, string][]; body?: string | Uint8Array; trailers?: [string, string][] }
  | { fail: 'timeout' }
  | { fail: 'refused' }
  | { fail: 'reset' }
  | { hold: true };

export type ClusterHandler = (req: HttpCallRequest) => HttpCallResult | Promise<HttpCallResult>;

export interface TestHostOptions {
  wasm: Uint8Array | string;
  pluginConfig?: string;
  vmConfig?: string;
  rootId?: string;
  /** Property plugin_name; default 'test-plugin'. */
  pluginName?: string;
  workers?: number;
  startTimeMs?: number;
  randomSeed?: bigint | number;
  nodeMetadata?: Record<string, string>;
  nodeId?: string;
  envoyVersion?: EnvoyVersion;
  clusters?: Record<string, ClusterHandler>;
  failStrategy?: FailStrategy;
  logLevel?: number;
  /** VmConfig env vars for WASI environ_*; default { ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION: '1' }. */
  env?: Record<string, string>;
}

export interface LogEntry {
  level: number;
  message: string;
  worker: number;
}

export interface TestVmView {
  readonly worker: number;
  readonly failed: boolean;
  readonly failMessage: string | null;
  readonly rootContextId: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function outcomeOf(result: HttpCallResult): HttpCallOutcome | null {
  if ('hold' in result) return null;
  if ('fail' in result) {
    if (result.fail === 'timeout') return { kind: 'response', response: timeoutResponse() };
    if (result.fail === 'refused') return { kind: 'response', response: connectFailureResponse() };
    return { kind: 'reset' };
  }
  const body = typeof result.body === 'string' ? encoder.encode(result.body) : (result.body ?? new Uint8Array(0));
  return {
    kind: 'response',
    response: {
      headers: [[':status', String(result.status)], ...(result.headers ?? []).map(([k, v]) => [k.toLowerCase(), v] as HeaderPair)],
      body,
      trailers: (result.trailers ?? []).map(([k, v]) => [k.toLowerCase(), v] as HeaderPair),
    },
  };
}

export class TestHttpStream {
  readonly ctx: StreamContext;
  /** Request headers as forwarded upstream (after the plugin), or null while not forwarded. */
  forwardedRequestHeaders: HeaderPair[] | null = null;
  forwardedRequestBody: Uint8Array[] = [];
  responseHeaders: HeaderPair[] | null = null;
  responseBody: Uint8Array[] = [];
  resetReason: string | null = null;

  constructor(
    readonly _host: TestHost,
    plugin: LoadedPlugin,
    worker: number,
  ) {
    const w = plugin.workers[worker];
    if (!w) throw new Error(`newHttpStream: worker ${worker} does not exist (workers: ${plugin.workers.length})`);
    const sink: StreamSink = {
      forwardRequestHeaders: (h) => {
        this.forwardedRequestHeaders = h.map(([k, v]) => [k, v]); // a snapshot the test may keep
      },
      forwardRequestData: (chunk) => {
        this.forwardedRequestBody.push(chunk);
      },
      sendResponseHeaders: (h) => {
        this.responseHeaders = h.map(([k, v]) => [k, v]);
      },
      sendResponseData: (chunk) => {
        this.responseBody.push(chunk);
      },
      localReplyStarted: () => {},
      resetStream: (reason) => {
        this.resetReason = reason;
      },
    };
    this.ctx = w.newStream(sink);
    this.ctx.connection = {
      source: '127.0.0.1',
      sourcePort: 40000 + this.ctx.id,
      destination: '127.0.0.1',
      destinationPort: 15006,
      id: this.ctx.id,
    };
  }

  get contextId(): number {
    return this.ctx.id;
  }
  get state() {
    return this.ctx.state;
  }
  get localResponse(): LocalReply | null {
    return this.ctx.localReply;
  }
  get resumedAtMs(): number | null {
    return this.ctx.resumedAtMs;
  }
  /** The response body the client got, as text. */
  get responseBodyText(): string {
    return decoder.decode(Buffer.concat(this.responseBody));
  }

  sendRequestHeaders(headers: [string, string][], endOfStream = false): 'continue' | 'pause' {
    this.ctx.decodeHeaders(headers, endOfStream);
    return this.ctx.state === 'continued' ? 'continue' : 'pause';
  }
  sendRequestBody(body: string | Uint8Array, endOfStream = true): void {
    this.ctx.decodeData(typeof body === 'string' ? encoder.encode(body) : body, endOfStream);
  }
  sendResponseHeaders(headers: [string, string][], endOfStream = false): 'continue' | 'pause' {
    if (this.ctx.localReply) return 'pause';
    this.ctx.encodeHeaders(headers, endOfStream);
    return this.responseHeaders ? 'continue' : 'pause';
  }
  sendResponseBody(body: string | Uint8Array, endOfStream = true): void {
    if (this.ctx.localReply) return;
    this.ctx.encodeData(typeof body === 'string' ? encoder.encode(body) : body, endOfStream);
  }
  reset(): void {
    this.ctx.reset();
  }
  complete(): void {
    this.ctx.complete();
  }
}

export class TestHost {
  readonly logs: LogEntry[] = [];
  readonly httpCalls: HttpCallRequest[] = [];
  private roundRobin = 0;
  /** @internal */
  plugin!: LoadedPlugin;

  constructor(
    readonly scheduler: SimulatedScheduler,
    readonly stats: StatsStore,
  ) {}

  get loadError(): string | null {
    return this.plugin.loadError;
  }
  get vms(): TestVmView[] {
    return this.plugin.workers.map((w, worker) => ({
      worker,
      get failed() {
        return w.failed;
      },
      get failMessage() {
        return w.vm.failMessage;
      },
      get rootContextId() {
        return w.rootContextId;
      },
    }));
  }
  /** Counter or gauge value summed across VMs (stats are process-wide); 0 when never defined. */
  metric(name: string): number {
    const stat = this.stats.find(name);
    return stat && stat.kind !== 'histogram' ? Number(stat.value) : 0;
  }
  histogram(name: string): { count: number; sum: number; samples: number[] } {
    const stat = this.stats.find(name);
    if (stat?.kind !== 'histogram') return { count: 0, sum: 0, samples: [] };
    return { count: stat.count, sum: stat.sum, samples: [...stat.samples] };
  }
  metricsText(): string {
    return this.stats.prometheusText();
  }
  now(): number {
    return this.scheduler.now();
  }
  advance(ms: number): Promise<void> {
    return this.scheduler.advance(ms);
  }
  settle(): Promise<void> {
    return this.scheduler.settle();
  }
  /** A request on one worker VM (default: round-robin over workers). */
  newHttpStream(opts: { worker?: number } = {}): TestHttpStream {
    if (this.plugin.loadError) throw new Error(`newHttpStream: the plugin did not load: ${this.plugin.loadError}`);
    const worker = opts.worker ?? this.roundRobin++ % this.plugin.workers.length;
    return new TestHttpStream(this, this.plugin, worker);
  }
  /** Stops timers; pending calls are dropped. */
  close(): void {
    this.plugin.close();
  }
}

export async function createTestHost(opts: TestHostOptions): Promise<TestHost> {
  const code = typeof opts.wasm === 'string' ? new Uint8Array(await readFile(opts.wasm)) : opts.wasm;
  const scheduler = new SimulatedScheduler(opts.startTimeMs ?? 1_700_000_000_000);
  const stats = new StatsStore();
  const host = new TestHost(scheduler, stats);
  const clusters = new Map<string, Cluster>();
  for (const [name, handler] of Object.entries(opts.clusters ?? {})) {
    clusters.set(name, {
      send(request, deliver) {
        let cancelled = false;
        host.httpCalls.push(request);
        const work = (async () => {
          let result: HttpCallResult;
          try {
            result = await handler(request);
          } catch (err) {
            host.logs.push({ level: 4, message: `cluster ${name} handler threw: ${(err as Error).message}`, worker: -1 });
            result = { fail: 'reset' };
          }
          const outcome = outcomeOf(result);
          if (outcome && !cancelled) deliver(outcome);
        })();
        scheduler.track(work);
        return {
          cancel: () => {
            cancelled = true;
          },
        };
      },
    });
  }
  const services: HostServices = {
    scheduler,
    randomBytes: seededRandomBytes(BigInt(opts.randomSeed ?? 1)),
    clusters,
    stats,
    log: (level, message, worker) => host.logs.push({ level, message, worker }),
    sharedData: new Map(),
  };
  host.plugin = await loadPlugin(
    code,
    {
      name: opts.pluginName ?? 'test-plugin',
      rootId: opts.rootId ?? '',
      vmId: '',
      vmConfig: encoder.encode(opts.vmConfig ?? ''),
      pluginConfig: encoder.encode(opts.pluginConfig ?? ''),
      failStrategy: opts.failStrategy ?? 'open',
      envoyVersion: opts.envoyVersion ?? '1.33',
      nodeMetadata: { ...(opts.nodeMetadata ?? {}) },
      nodeId: opts.nodeId ?? 'sidecar~127.0.0.1~test.default~default.svc.cluster.local',
      env: opts.env ?? { ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION: '1' },
      logLevel: opts.logLevel ?? 2,
    },
    services,
    opts.workers ?? 2,
  );
  return host;
}
