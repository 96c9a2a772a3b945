// What every group of host functions shares: the function type, and the u32 reading of i32 arguments.

// biome-ignore lint/suspicious/noExplicitAny: one table holds host functions of every ABI signature
// biome-ignore lint/suspicious/noConfusingVoidType: host functions without a result return nothing
type HostFn = (...args: any[]) => number | void;

/** Host functions keyed `module.name`; WASI functions are keyed `wasi.<name>`. */
export type HostFunctions = Record<string, HostFn>;

/** Wasm hands JS an i32 as a signed number; sizes, pointers, ids and types are u32 in the ABI. */
export function unsigned(n: number): number {
  return n >>> 0;
}
