// A minimal proxy-wasm host for benchmarks: just enough of Envoy's imports to configure the plugin,
// deliver one rule set and answer header lookups, so figures measure the plugin rather than a host.
import { readFileSync } from 'node:fs';

interface Exports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  _initialize?: () => void;
  [name: string]: unknown;
}
type Fn = (...args: number[]) => number;
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: Exports } }> };
  }
).WebAssembly;

const enc = new TextEncoder();
/** Values up to this many bytes are copied into the module by a loop rather than TypedArray#set. */
const SHORT_COPY = 32;
/** What every response carries here: the status the plugin's outcome observation reads. */
const RESPONSE_HEADERS: [Uint8Array, Uint8Array][] = [[enc.encode(':status'), enc.encode('200')]];

export class MinimalHost {
  exports!: Exports;
  requestHeaders: Array<[Uint8Array, Uint8Array]> = [];
  private bytesView = new Uint8Array(0);
  private dataView = new DataView(new ArrayBuffer(8));
  pluginConfig = new Uint8Array(0);
  callBody = new Uint8Array(0);
  nowNs = 1_763_769_601_000n * 1_000_000n;
  /** How many times the module started reading an http_call body from its first byte (one per pass over it). */
  bodyReads = 0;

  /**
   * Views are cached and renewed only when memory grows, as a real host would: growing detaches the old buffer
   * (its views read 0 bytes). Envoy reads linear memory through a raw pointer (proxy-wasm-cpp-host
   * `V8::getMemory`); asking `memory.buffer` on every access instead cost this host ~20-30 ns each time.
   */
  private view(): DataView {
    if (this.bytesView.byteLength === 0) this.renew();
    return this.dataView;
  }
  private bytes(): Uint8Array {
    if (this.bytesView.byteLength === 0) this.renew();
    return this.bytesView;
  }
  private renew(): void {
    this.bytesView = new Uint8Array(this.exports.memory.buffer);
    this.dataView = new DataView(this.exports.memory.buffer);
  }
  private give(bytes: Uint8Array, retPtr: number, retSize: number): number {
    const n = bytes.length;
    const ptr = n === 0 ? 0 : this.exports.malloc(n);
    const memory = this.bytes();
    // Short values (header values, a status) byte by byte: TypedArray#set, a builtin call, cost ~30 ns more here.
    if (n <= SHORT_COPY) for (let i = 0; i < n; i++) memory[ptr + i] = bytes[i]!;
    else memory.set(bytes, ptr);
    const v = this.view();
    v.setUint32(retPtr, ptr, true);
    v.setUint32(retSize, n, true);
    return 0;
  }

  async load(path: string): Promise<void> {
    const ok = () => 0;
    const env: Record<string, Fn> = new Proxy({}, { get: () => ok }) as Record<string, Fn>;
    const imports = {
      env: Object.assign(Object.create(env) as Record<string, Fn>, {
        proxy_log: ok,
        proxy_get_property: () => 1,
        // Like Envoy: the range [start, start + max) clamped to the buffer (the plugin reads bodies in chunks).
        proxy_get_buffer_bytes: (type: number, start: number, max: number, retPtr: number, retSize: number) => {
          const buffer = type === 7 ? this.pluginConfig : this.callBody;
          if (type !== 7 && start === 0) this.bodyReads++;
          const from = Math.min(start >>> 0, buffer.length);
          return this.give(buffer.subarray(from, Math.min(buffer.length, from + (max >>> 0))), retPtr, retSize);
        },
        proxy_get_header_map_value: (map: number, kp: number, kl: number, retPtr: number, retSize: number) => {
          if (map === 6) return this.give(enc.encode('200'), retPtr, retSize);
          const mem = this.bytes();
          for (const [k, v] of map === 2 ? RESPONSE_HEADERS : this.requestHeaders) {
            if (k.length !== kl) continue;
            let same = true;
            for (let i = 0; i < kl && same; i++) same = mem[kp + i] === k[i];
            if (same) return this.give(v, retPtr, retSize);
          }
          return 1;
        },
        proxy_get_current_time_nanoseconds: (ptr: number) => {
          this.view().setBigUint64(ptr, this.nowNs, true);
          return 0;
        },
        proxy_http_call: (...a: number[]) => {
          this.view().setUint32(a[9]!, 1, true);
          return 0;
        },
        proxy_define_metric: (_t: number, _p: number, _l: number, ret: number) => {
          this.view().setUint32(ret, 1, true);
          return 0;
        },
      }),
      wasi_snapshot_preview1: {
        random_get: (ptr: number, len: number) => {
          new Uint8Array(this.exports.memory.buffer, ptr, len).fill(7);
          return 0;
        },
      },
    };
    const { instance } = await wasmApi.instantiate(
      new Uint8Array(readFileSync(path)),
      new Proxy(imports, {
        get: (t, m: string) => (m in t ? t[m as keyof typeof t] : env),
      }),
    );
    this.exports = instance.exports;
    this.exports._initialize?.();
  }

  call(name: string, ...args: number[]): number {
    return (this.exports[name] as Fn)(...args);
  }

  /** Root context 1: configure, first tick (poll), answer it with `ruleSetJson`. */
  configure(config: string, ruleSetJson: string): void {
    this.pluginConfig = enc.encode(config);
    this.call('proxy_on_context_create', 1, 0);
    this.call('proxy_on_vm_start', 1, 0);
    this.call('proxy_on_configure', 1, this.pluginConfig.length);
    this.call('proxy_on_tick', 1);
    this.callBody = enc.encode(ruleSetJson);
    this.call('proxy_on_http_call_response', 1, 1, 1, this.callBody.length, 0);
    this.callBody = new Uint8Array(0);
  }

  /** A later rule set: the next poll (2 s on, past the minimum spacing) is answered with `ruleSetJson`. */
  update(ruleSetJson: string): void {
    this.nowNs += 2_000_000_000n;
    this.call('proxy_on_tick', 1);
    this.callBody = enc.encode(ruleSetJson);
    this.call('proxy_on_http_call_response', 1, 1, 1, this.callBody.length, 0);
    this.callBody = new Uint8Array(0);
  }

  setRequest(headers: [string, string][]): void {
    this.requestHeaders = headers.map(([k, v]) => [enc.encode(k), enc.encode(v)]);
  }
}
