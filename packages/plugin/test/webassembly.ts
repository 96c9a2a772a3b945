// The WebAssembly global, typed narrowly (this project's TypeScript lib set has no DOM/WebAssembly types).

interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: WasmInstance }>;
}

export const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
