// The floor for the benchmark: a proxy-wasm filter that does nothing but answer Continue.

let top: usize = 0;

export function proxy_abi_version_0_2_1(): void {}

export function malloc(size: usize): usize {
  if (top == 0) top = heap.alloc(64 * 1024);
  return top;
}

export function proxy_on_context_create(contextId: u32, parentId: u32): void {}

export function proxy_on_request_headers(contextId: u32, numHeaders: u32, endOfStream: u32): u32 {
  return 0;
}

export function proxy_on_delete(contextId: u32): void {}
