// One wasm VM (Envoy: one WasmBase per worker thread): the instance, its memory, the context table,
// the host->VM call wrapper (effective context reset on each entry, after-call actions, trap = VM failed).
import { type AbiVersion, allowedDuringStart, hostImportTable } from './abi/signatures.js';
import { WasmResult } from './abi/status.js';
import { ContextBase, RootContext } from './context.js';
import { ContextTable } from './context-table.js';
import { buildHostFunctions } from './host/imports.js';
import type { HttpCallOutcome } from './http-call.js';
import { VmMetricIds } from './metrics.js';
import type { HostServices, PluginConfig } from './plugin-config.js';
import type { TimerHandle } from './scheduler.js';

export type VmPhase = 'instantiating' | 'starting' | 'running';

class VmFailure extends Error {}

type WasmFn = (...a: number[]) => unknown;

export class WasmVm {
  readonly abi: AbiVersion;
  instance!: WebAssembly.Instance;
  memory!: WebAssembly.Memory;
  phase: VmPhase = 'instantiating';
  failed = false;
  failMessage: string | null = null;
  readonly contexts = new ContextTable();
  /** Envoy's VM context (id 0): the context `_initialize` and malloc run under. */
  readonly vmContext: ContextBase;
  rootContext: RootContext | null = null;
  current: ContextBase;
  effective: ContextBase;
  private nextContextId = 1;
  private depth = 0;
  private readonly afterCallActions: (() => void)[] = [];
  private actionHead = 0;
  readonly metricIds: VmMetricIds;
  readonly timers = new Map<number, { period: number; handle: TimerHandle | null }>();
  readonly httpCalls = new Map<number, { rootId: number; cancel: () => void; timer: TimerHandle | null }>();
  private nextHttpCallToken = 0;
  private exports!: Record<string, WebAssembly.ExportValue>;
  /** Export lookups are cached: a callback name is resolved once per VM. */
  private readonly fnCache = new Map<string, WasmFn | null>();
  private mallocName: 'malloc' | 'proxy_on_memory_allocate' = 'malloc';
  /** Views over memory.buffer, rebuilt only when the memory grows (growth detaches the old buffer). */
  private viewBuffer: ArrayBuffer | null = null;
  private u8 = new Uint8Array(0);
  /** The same bytes as a Buffer: it decodes/encodes UTF-8 in place. */
  private buf = Buffer.alloc(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));
  discarded = false;

  constructor(
    readonly module: WebAssembly.Module,
    abi: AbiVersion,
    readonly config: PluginConfig,
    readonly services: HostServices,
    /** Worker index; -1 for the base and canary VMs. */
    readonly worker: number,
  ) {
    this.abi = abi;
    this.metricIds = new VmMetricIds(services.stats);
    this.vmContext = new ContextBase(this, 0);
    this.current = this.vmContext;
    this.effective = this.vmContext;
  }

  /** Instantiates (the start section runs here; any host call fails it) then runs `_initialize`/`_start`. */
  async start(): Promise<string | null> {
    const fns = buildHostFunctions(this);
    const imports: Record<string, Record<string, (...args: never[]) => unknown>> = {};
    for (const qualified of hostImportTable(this.abi).keys()) {
      const dot = qualified.indexOf('.');
      const mod = qualified.slice(0, dot);
      const name = qualified.slice(dot + 1);
      const impl = fns[qualified] ?? fns[`wasi.${name}`];
      if (!impl) continue;
      (imports[mod] ??= {})[name] = guarded(this, qualified, impl);
    }
    try {
      this.instance = await WebAssembly.instantiate(this.module, imports as WebAssembly.Imports);
    } catch (err) {
      this.services.log(4, `Failed to create new Wasm instance: ${errorText(err)}`, this.worker);
      return 'Failed to create new Wasm instance';
    }
    this.exports = this.instance.exports;
    const mem = this.exports.memory;
    if (!(mem instanceof WebAssembly.Memory)) return 'Wasm module is missing memory export';
    this.memory = mem;
    this.mallocName = this.has('malloc') ? 'malloc' : 'proxy_on_memory_allocate';
    this.phase = 'starting';
    const startFns = this.has('_initialize')
      ? ['_initialize', this.has('main') ? 'main' : this.has('__main_void') ? '__main_void' : null]
      : ['_start'];
    for (const name of startFns) {
      if (!name || !this.has(name)) continue;
      if (name === 'main') this.call(name, this.vmContext, 0, 0);
      else this.call(name, this.vmContext);
      if (this.failed) return this.failMessage;
    }
    this.phase = 'running';
    return null;
  }

  /** Called by the import wrappers only before the VM runs (instantiation and `_initialize`). */
  guardHostCall(qualified: string): void {
    if (this.phase === 'instantiating') {
      throw new VmFailure(`host function ${qualified} called during instantiation (no context yet)`);
    }
    if (this.phase === 'starting' && !allowedDuringStart(qualified)) throw new VmFailure('restricted_callback');
  }

  has(name: string): boolean {
    return this.exportFn(name) !== null;
  }

  private exportFn(name: string): WasmFn | null {
    if (!this.exports) return null;
    let fn = this.fnCache.get(name);
    if (fn === undefined) {
      const e = this.exports[name];
      fn = typeof e === 'function' ? (e as WasmFn) : null;
      this.fnCache.set(name, fn);
    }
    return fn;
  }

  allocContextId(): number {
    return this.nextContextId++;
  }

  /**
   * Host->VM entry: the called context becomes current and effective; after-call actions run when the
   * outermost call returns; a trap marks the VM failed. Returns undefined when absent, failed or trapped.
   */
  call(name: string, ctx: ContextBase, a?: number, b?: number, c?: number, d?: number, e?: number): number | undefined {
    const fn = this.exportFn(name);
    if (fn === null || this.failed) return undefined;
    const savedCurrent = this.current;
    const savedEffective = this.effective;
    this.current = ctx;
    this.effective = ctx;
    this.depth++;
    let result: unknown;
    try {
      // Exact arity, no rest array: the callbacks take at most 5 arguments.
      // biome-ignore lint/complexity/noArguments: reads the arity without allocating a rest array (docs/adr/0032)
      switch (arguments.length - 2) {
        case 0:
          result = fn();
          break;
        case 1:
          result = fn(a!);
          break;
        case 2:
          result = fn(a!, b!);
          break;
        case 3:
          result = fn(a!, b!, c!);
          break;
        case 4:
          result = fn(a!, b!, c!, d!);
          break;
        default:
          result = fn(a!, b!, c!, d!, e!);
      }
    } catch (err) {
      this.fail(`Function: ${name} failed: ${errorText(err)}`);
      result = undefined;
    } finally {
      this.depth--;
      this.current = savedCurrent;
      this.effective = savedEffective;
    }
    if (this.depth === 0 && this.afterCallActions.length > 0) this.runAfterCallActions();
    return typeof result === 'number' ? result : result === undefined ? undefined : Number(result);
  }

  /** Envoy's addAfterVmCallAction: continue/local reply/close run once the callback has returned. */
  defer(action: () => void): void {
    if (this.depth === 0) action();
    else this.afterCallActions.push(action);
  }

  private runAfterCallActions(): void {
    // FIFO without shift(); re-entrant (an action's own VM calls drain the same queue from the same head).
    const q = this.afterCallActions;
    while (this.actionHead < q.length) {
      const action = q[this.actionHead++]!;
      action();
    }
    q.length = 0;
    this.actionHead = 0;
  }

  fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    this.failMessage = message;
    this.services.log(5, message, this.worker);
    for (const t of this.timers.values()) t.handle?.cancel();
  }

  // ---- memory -------------------------------------------------------------------------------

  /** Refreshes the cached views when memory.buffer changed (growth); otherwise reuses them. */
  private refreshViews(): void {
    const buf = this.memory.buffer;
    if (buf !== this.viewBuffer) {
      this.viewBuffer = buf;
      this.u8 = new Uint8Array(buf);
      this.buf = Buffer.from(buf); // a view, no copy
      this.dv = new DataView(buf);
    }
  }
  bytes(): Uint8Array {
    this.refreshViews();
    return this.u8;
  }
  view(): DataView {
    this.refreshViews();
    return this.dv;
  }
  inBounds(ptr: number, len: number): boolean {
    this.refreshViews();
    return ptr >= 0 && len >= 0 && ptr + len <= this.u8.length;
  }
  /** A copy of guest memory (the guest may reuse the bytes after the call). */
  read(ptr: number, len: number): Uint8Array | null {
    ptr >>>= 0;
    len >>>= 0;
    if (!this.inBounds(ptr, len)) return null;
    return this.u8.slice(ptr, ptr + len);
  }
  readString(ptr: number, len: number): string | null {
    ptr >>>= 0;
    len >>>= 0;
    if (!this.inBounds(ptr, len)) return null;
    // Raw bytes as UTF-8 (like Envoy's string_view; no BOM stripping, invalid bytes become U+FFFD).
    return len === 0 ? '' : this.buf.toString('utf8', ptr, ptr + len);
  }
  writeU32(ptr: number, value: number): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 4)) return false;
    this.dv.setUint32(ptr, value >>> 0, true);
    return true;
  }
  writeU64(ptr: number, value: bigint): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 8)) return false;
    this.dv.setBigUint64(ptr, BigInt.asUintN(64, value), true);
    return true;
  }
  write(ptr: number, data: Uint8Array): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, data.length)) return false;
    this.u8.set(data, ptr);
    return true;
  }

  /** Envoy copyToPointerSize: malloc in the module (not for empty data), copy, then write ptr and size. */
  copyOut(data: Uint8Array, ptrPtr: number, sizePtr: number): number {
    let ptr = 0;
    if (data.length > 0) {
      const savedCurrent = this.current;
      const savedEffective = this.effective;
      const allocated = this.call(this.mallocName, this.vmContext, data.length);
      this.current = savedCurrent;
      this.effective = savedEffective;
      if (allocated === undefined) return WasmResult.InvalidMemoryAccess;
      ptr = allocated >>> 0;
      if (ptr === 0 || !this.write(ptr, data)) return WasmResult.InvalidMemoryAccess;
    }
    if (!this.writeU32(ptrPtr, ptr) || !this.writeU32(sizePtr, data.length)) return WasmResult.InvalidMemoryAccess;
    return WasmResult.Ok;
  }

  /** copyOut for a string, encoded straight into the module's allocation (no intermediate bytes). */
  copyOutString(text: string, ptrPtr: number, sizePtr: number): number {
    const size = Buffer.byteLength(text, 'utf8');
    let ptr = 0;
    if (size > 0) {
      const savedCurrent = this.current;
      const savedEffective = this.effective;
      const allocated = this.call(this.mallocName, this.vmContext, size);
      this.current = savedCurrent;
      this.effective = savedEffective;
      if (allocated === undefined) return WasmResult.InvalidMemoryAccess;
      ptr = allocated >>> 0;
      if (ptr === 0 || !this.inBounds(ptr, size)) return WasmResult.InvalidMemoryAccess;
      this.buf.write(text, ptr, size, 'utf8');
    }
    if (!this.writeU32(ptrPtr, ptr) || !this.writeU32(sizePtr, size)) return WasmResult.InvalidMemoryAccess;
    return WasmResult.Ok;
  }

  // ---- timers and http calls ------------------------------------------------------------------

  /** One tick timer per root context; the latest period wins; 0 disables. First tick one period later. */
  setTickPeriod(root: RootContext, periodMs: number): void {
    const existing = this.timers.get(root.id);
    existing?.handle?.cancel();
    if (periodMs === 0) {
      this.timers.delete(root.id);
      return;
    }
    const entry = { period: periodMs, handle: null as TimerHandle | null };
    this.timers.set(root.id, entry);
    this.armTick(root, entry);
  }

  private armTick(root: RootContext, entry: { period: number; handle: TimerHandle | null }): void {
    entry.handle = this.services.scheduler.setTimer(entry.period, () => {
      if (this.failed || this.discarded || this.timers.get(root.id) !== entry) return;
      entry.handle = null;
      this.call('proxy_on_tick', root, root.id);
      // Re-armed after on_tick returns (so ticks drift by the tick's duration), unless changed meanwhile.
      if (this.timers.get(root.id) === entry && !this.failed && !this.discarded) this.armTick(root, entry);
    });
  }

  /** Tokens are a per-VM counter. */
  registerHttpCall(): number {
    this.nextHttpCallToken += 1;
    return this.nextHttpCallToken;
  }

  deliverHttpCall(token: number, outcome: HttpCallOutcome): void {
    const pending = this.httpCalls.get(token);
    if (!pending) return;
    this.httpCalls.delete(token);
    pending.timer?.cancel();
    const root = this.contexts.get(pending.rootId);
    if (!(root instanceof RootContext) || this.failed || this.discarded) return;
    if (outcome.kind === 'reset') {
      root.httpCallResponse = { headers: null, body: new Uint8Array(0), trailers: null };
      root.status = { code: WasmResult.BrokenConnection, message: 'reset' };
      this.call('proxy_on_http_call_response', root, root.id, token, 0, 0, 0);
    } else {
      const r = outcome.response;
      root.httpCallResponse = { headers: r.headers, body: r.body, trailers: r.trailers };
      root.status = { code: WasmResult.Ok, message: '' };
      this.call('proxy_on_http_call_response', root, root.id, token, r.headers.length, r.body.length, r.trailers.length);
    }
    // Envoy clears http_call_response_ in an after-VM-call action: readable only during the callback.
    root.httpCallResponse = null;
  }

  /** The canary is killed after configure: its timers and pending calls die with it. */
  discard(): void {
    this.discarded = true;
    for (const t of this.timers.values()) t.handle?.cancel();
    this.timers.clear();
    for (const c of this.httpCalls.values()) {
      c.timer?.cancel();
      c.cancel();
    }
    this.httpCalls.clear();
  }
}

/**
 * The import the module links: the host function with its exact arity (no rest/spread per call);
 * the phase check (no host calls while instantiating, V8's restricted set in `_initialize`) costs one
 * comparison once the VM runs.
 */
// biome-ignore lint/suspicious/noExplicitAny: wraps host functions of every ABI signature
function guarded(vm: WasmVm, qualified: string, impl: (...args: any[]) => unknown): (...args: never[]) => unknown {
  const g = (): void => {
    if (vm.phase !== 'running') vm.guardHostCall(qualified);
  };
  switch (impl.length) {
    case 0:
      return () => (g(), impl());
    case 1:
      return (a: never) => (g(), impl(a));
    case 2:
      return (a: never, b: never) => (g(), impl(a, b));
    case 3:
      return (a: never, b: never, c: never) => (g(), impl(a, b, c));
    case 4:
      return (a: never, b: never, c: never, d: never) => (g(), impl(a, b, c, d));
    case 5:
      return (a: never, b: never, c: never, d: never, e: never) => (g(), impl(a, b, c, d, e));
    default:
      return (...args: never[]) => (g(), impl(...args));
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err instanceof WebAssembly.RuntimeError ? `Uncaught RuntimeError: ${err.message}` : err.message;
  return String(err);
}
