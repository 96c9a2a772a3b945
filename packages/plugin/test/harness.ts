// Drives the built plugin in @hfi/proxy-host's test host: a fake control plane cluster delivers the
// rule set, and requests are observed as a client would see them (continue / delay / local reply).

import type { CompiledRuleSet, Decision } from '@hfi/policy';
import { type ClusterHandler, createTestHost, type TestHost, type TestHttpStream } from '@hfi/proxy-host';
import { pluginWasmPath } from './paths.js';

export const CLUSTER = 'hfi-control-plane';
const CONFIG = JSON.stringify({ control_plane_cluster: CLUSTER, control_plane_authority: 'hfi-control-plane:8080' });

const MASK = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

function invertXorShiftRight(y: bigint, s: bigint): bigint {
  let x = y;
  for (let i = 0; i < 64; i += Number(s)) x = y ^ (x >> s);
  return x & MASK;
}

function inverseOdd(a: bigint): bigint {
  let x = a; // Newton: each step doubles the number of correct low bits.
  for (let i = 0; i < 6; i++) x = (x * (2n - a * x)) & MASK;
  return x;
}

/**
 * The test host's random_get draws from one splitmix64 generator shared by the canary and the worker VMs,
 * 8 bytes per word, and the plugin asks for 2 words per VM at start (draw seed first). This returns the host
 * seed that makes `worker`'s draw seed equal `vmSeed`, so golden fixtures written for a seed can run as is.
 */
function hostSeedFor(vmSeed: bigint, worker = 0): bigint {
  const wordIndex = BigInt(3 + 2 * worker); // 1-based: the canary takes words 1 and 2
  let z = vmSeed & MASK;
  z = invertXorShiftRight(z, 31n);
  z = (z * inverseOdd(0x94d049bb133111ebn)) & MASK;
  z = invertXorShiftRight(z, 27n);
  z = (z * inverseOdd(0xbf58476d1ce4e5b9n)) & MASK;
  z = invertXorShiftRight(z, 30n);
  return (z - wordIndex * GOLDEN) & MASK;
}

export interface PluginOptions {
  ruleSet?: CompiledRuleSet | string;
  identity?: { service: string | null; namespace: string | null; pod?: string | null };
  vmSeed?: bigint;
  startTimeMs?: number;
  workers?: number;
  envoyVersion?: '1.32' | '1.33';
  pluginConfig?: string;
  /** Replaces the default control plane: first poll gets the rule set, later polls are held. */
  controlPlane?: ClusterHandler;
  /** Another build of the plugin (default: this one's). */
  wasm?: string;
}

function metadataFor(identity: PluginOptions['identity']): Record<string, string> {
  const md: Record<string, string> = {};
  if (identity?.service) md.WORKLOAD_NAME = identity.service;
  if (identity?.namespace) md.NAMESPACE = identity.namespace;
  if (identity?.pod) md.NAME = identity.pod;
  return md;
}

/** Starts the plugin and lets the first poll deliver the rule set. */
export async function startPlugin(opts: PluginOptions): Promise<TestHost> {
  let served = false;
  const body = typeof opts.ruleSet === 'string' ? opts.ruleSet : JSON.stringify(opts.ruleSet);
  const handler: ClusterHandler =
    opts.controlPlane ??
    (() => {
      if (served || opts.ruleSet === undefined) return { hold: true };
      served = true;
      return { status: 200, headers: [['content-type', 'application/json']], body };
    });
  const host = await createTestHost({
    wasm: opts.wasm ?? pluginWasmPath,
    pluginConfig: opts.pluginConfig ?? CONFIG,
    workers: opts.workers ?? 1,
    startTimeMs: opts.startTimeMs ?? 1_763_769_600_000,
    randomSeed: hostSeedFor(opts.vmSeed ?? 1n),
    nodeMetadata: metadataFor(opts.identity ?? { service: 'frontend', namespace: 'demo', pod: 'frontend-abc' }),
    envoyVersion: opts.envoyVersion ?? '1.33',
    clusters: { [CLUSTER]: handler },
  });
  if (host.loadError) throw new Error(`plugin did not load: ${host.loadError}`);
  await host.advance(2);
  await host.settle();
  return host;
}

/** The longest any rule of the set can hold a request: its start delay plus its longest delay (fixed, drawn or chosen). */
export function longestWaitMs(ruleSet: CompiledRuleSet): number {
  let longest = 0;
  for (const r of ruleSet.rules) {
    const d = r.delayDistribution;
    const delay = d === undefined ? r.delayMs : d.kind === 'uniform' ? d.maxMs : Math.max(...d.ms);
    // A request may choose a longer delay, up to its policy's requestOverrides.maxDelay.
    longest = Math.max(longest, r.startDelayMs + Math.max(delay, r.overrides?.maxDelayMs ?? 0));
  }
  return longest;
}

export interface RequestSpec {
  method: string;
  path: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  /** When set, the upstream answers with this status as soon as the request goes on (for response-phase rules). */
  upstreamStatus?: number;
}

/** What a client observes, in the shape of the reference Decision (the delay as one total). */
export interface Observed {
  action: 'pass' | 'fault';
  ruleId?: string;
  waitMs?: number;
  abort?: { status: number; grpcStatus: number; body: string; headers: [string, string][] } | null;
  /** The stream was reset: the client saw no response, so no x-hfi-fault names the rule. */
  reset?: true;
}

export function expectedOf(d: Decision): Observed {
  // A dry run's decision is what would have been done: the client sees a request that passed.
  if (d.action === 'pass' || d.dryRun) return { action: 'pass' };
  if (d.reset) return { action: 'fault', waitMs: d.startDelayMs + d.delayMs, reset: true };
  return {
    action: 'fault',
    ruleId: d.ruleId,
    waitMs: d.startDelayMs + d.delayMs,
    abort: d.abort ? { status: d.abort.status, grpcStatus: d.abort.grpcStatus, body: d.abort.body, headers: d.abort.headers } : null,
  };
}

export class PendingRequest {
  readonly startedAtMs: number;
  endedAtMs: number | null = null;
  constructor(
    readonly host: TestHost,
    readonly stream: TestHttpStream,
  ) {
    this.startedAtMs = host.now();
  }
  /** The upstream's answer was sent at once (RequestSpec.upstreamStatus). */
  responseSent = false;
  get settled(): boolean {
    const s = this.stream;
    if (s.state === 'headers-paused') return false;
    // A response-phase fault holds the upstream's response: settled once it (or the abort replacing it) reaches the client.
    return !this.responseSent || s.responseHeaders !== null || s.localResponse !== null || s.state === 'reset';
  }
  note(): void {
    if (this.endedAtMs === null && this.settled) this.endedAtMs = this.host.now();
  }
  /** Finishes the exchange (an upstream 200 when continued) and reports what the client saw. */
  observe(): Observed {
    const s = this.stream;
    const waitMs = (this.endedAtMs ?? this.host.now()) - this.startedAtMs;
    if (s.state === 'reset') return { action: 'fault', waitMs, reset: true };
    if (s.localResponse) {
      const all = s.localResponse.headers;
      const tag = all.find(([k]) => k === 'x-hfi-fault');
      const headers = all.filter(([k]) => k !== 'x-hfi-fault');
      return {
        action: 'fault',
        ruleId: tag?.[1] ?? '(no x-hfi-fault)',
        waitMs,
        abort: { status: s.localResponse.status, grpcStatus: s.localResponse.grpcStatus, body: s.localResponse.body, headers },
      };
    }
    if (s.state === 'continued' && !s.responseHeaders) s.sendResponseHeaders([[':status', '200']], true);
    const tag = (s.responseHeaders ?? []).find(([k]) => k === 'x-hfi-fault');
    s.complete();
    if (!tag) return { action: 'pass' };
    return { action: 'fault', ruleId: tag[1], waitMs, abort: null };
  }
}

export function send(host: TestHost, req: RequestSpec, worker = 0): PendingRequest {
  const s = host.newHttpStream({ worker });
  const headers: [string, string][] = [
    [':method', req.method],
    [':path', req.path],
    [':authority', 'svc'],
    [':scheme', 'http'],
  ];
  for (const [k, v] of req.headers ?? []) headers.push([k, v]);
  s.sendRequestHeaders(headers, true);
  const pending = new PendingRequest(host, s);
  if (req.upstreamStatus !== undefined && s.state === 'continued') {
    s.sendResponseHeaders([[':status', String(req.upstreamStatus)]], true);
    pending.responseSent = true;
  }
  return pending;
}

/** Moves the clock to `targetMs` one millisecond at a time while requests wait, noting when each settles. */
export async function advanceTo(host: TestHost, targetMs: number, pending: PendingRequest[]): Promise<void> {
  for (const p of pending) p.note();
  while (host.now() < targetMs) {
    const waiting = pending.some((p) => !p.settled);
    await host.advance(waiting ? 1 : targetMs - host.now());
    await host.settle();
    for (const p of pending) p.note();
  }
}
