// Test modules are written as WAT text and compiled with wabt's wat2wasm (the `wabt` npm package:
// WABT compiled to wasm, so no system package is needed). Each module gets a bump-allocator malloc, memory, an ABI marker and the
// standard imports below; probes store host-call results in memory slots the tests read back.
import initWabt from 'wabt';
import type { TestHost } from '../src/testing/test-host.js';

export const STANDARD_IMPORTS = `
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_property" (func $get_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_property" (func $set_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_buffer_bytes" (func $set_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_size" (func $get_header_map_size (param i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_pairs" (func $get_header_map_pairs (param i32 i32 i32) (result i32)))
  (import "env" "proxy_send_local_response" (func $send_local_response (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_continue_stream" (func $continue_stream (param i32) (result i32)))
  (import "env" "proxy_set_effective_context" (func $set_effective_context (param i32) (result i32)))
  (import "env" "proxy_set_tick_period_milliseconds" (func $set_tick (param i32) (result i32)))
  (import "env" "proxy_http_call" (func $http_call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_status" (func $get_status (param i32 i32 i32) (result i32)))
  (import "env" "proxy_define_metric" (func $define_metric (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $increment_metric (param i32 i64) (result i32)))
  (import "env" "proxy_record_metric" (func $record_metric (param i32 i64) (result i32)))
  (import "env" "proxy_get_metric" (func $get_metric (param i32 i32) (result i32)))
  (import "env" "proxy_get_current_time_nanoseconds" (func $now (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
`;

const MALLOC = `
  (global $heap (mut i32) (i32.const 65536))
  (func (export "malloc") (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.and (i32.add (i32.add (global.get $heap) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (local.get $p))`;

/** Strings placed in a data segment; `s("x")` yields `(i32.const ptr) (i32.const len)`. */
export class Strings {
  private segments: string[] = [];
  private next = 4096;
  s(text: string): string {
    const bytes = Buffer.from(text, 'utf8');
    const ptr = this.next;
    this.next += bytes.length + 8;
    const escaped = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    this.segments.push(`(data (i32.const ${ptr}) "${escaped}")`);
    return `(i32.const ${ptr}) (i32.const ${bytes.length})`;
  }
  /** Pairs-encoded bytes (for headers passed to the host). */
  pairs(pairs: [string, string][]): string {
    const count = Buffer.alloc(4);
    count.writeUInt32LE(pairs.length);
    const lens = pairs.flatMap(([k, v]) => {
      const b = Buffer.alloc(8);
      b.writeUInt32LE(Buffer.byteLength(k), 0);
      b.writeUInt32LE(Buffer.byteLength(v), 4);
      return [b];
    });
    const strs = pairs.flatMap(([k, v]) => [Buffer.from(`${k}\0`), Buffer.from(`${v}\0`)]);
    const bytes = Buffer.concat([count, ...lens, ...strs]);
    const ptr = this.next;
    this.next += bytes.length + 8;
    const escaped = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    this.segments.push(`(data (i32.const ${ptr}) "${escaped}")`);
    return `(i32.const ${ptr}) (i32.const ${bytes.length})`;
  }
  data(): string {
    return this.segments.join('\n');
  }
}

export interface ModuleOptions {
  abi?: '0_1_0' | '0_2_0' | '0_2_1' | null;
  imports?: string;
  malloc?: boolean;
  strings?: Strings;
}

export function wasmModule(body: string, opts: ModuleOptions = {}): Uint8Array {
  const abi = opts.abi === undefined ? '0_2_1' : opts.abi;
  const text = `(module
  ${opts.imports ?? STANDARD_IMPORTS}
  (memory (export "memory") 2)
  ${opts.malloc === false ? '' : MALLOC}
  ${abi ? `(func (export "proxy_abi_version_${abi}"))` : ''}
  ${body}
  ${opts.strings?.data() ?? ''}
)`;
  return compileWat(text);
}

const wabt = await initWabt();
const cache = new Map<string, Uint8Array>();
function compileWat(text: string): Uint8Array {
  const hit = cache.get(text);
  if (hit) return hit;
  let module: ReturnType<typeof wabt.parseWat> | undefined;
  try {
    module = wabt.parseWat('m.wat', text);
    const bytes = new Uint8Array(module.toBinary({}).buffer);
    cache.set(text, bytes);
    return bytes;
  } catch (error) {
    throw new Error(`wat2wasm failed: ${(error as Error).message}\n${text}`);
  } finally {
    module?.destroy();
  }
}

/** Reads an i32 result slot the module stored (slot n at address 256 + 4n). */
export function slot(host: TestHost, n: number, worker = 0): number {
  return host.plugin.workers[worker]!.vm.view().getInt32(256 + 4 * n, true);
}
/** Reads bytes the host wrote through a (ptr_ptr, size_ptr) pair stored in slots. */
export function outBytes(host: TestHost, ptrSlot: number, sizeSlot: number, worker = 0): Buffer {
  const vm = host.plugin.workers[worker]!.vm;
  const ptr = vm.view().getUint32(256 + 4 * ptrSlot, true);
  const size = vm.view().getUint32(256 + 4 * sizeSlot, true);
  return Buffer.from(vm.bytes().slice(ptr, ptr + size));
}
export const slotAddr = (n: number) => `(i32.const ${256 + 4 * n})`;

/** `(i32.store <slot n> expr)` */
export const st = (n: number, expr: string) => `(i32.store ${slotAddr(n)} ${expr})`;
/** `(i32.load <slot n>)` */
export const ld = (n: number) => `(i32.load ${slotAddr(n)})`;
