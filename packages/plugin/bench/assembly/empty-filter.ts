// The floor for the benchmark: a proxy-wasm filter that does nothing but answer Continue.

let top: usize = 0;

export function proxy_abi_version_0_2_1(): void {}

export function malloc(_size: usize): usize {
  if (top == 0) top = heap.alloc(64 * 1024);
  return top;
}

export function proxy_on_context_create(_contextId: u32, _parentId: u32): void {}

export function proxy_on_request_headers(_contextId: u32, _numHeaders: u32, _endOfStream: u32): u32 {
  return 0;
}

export function proxy_on_delete(_contextId: u32): void {}
