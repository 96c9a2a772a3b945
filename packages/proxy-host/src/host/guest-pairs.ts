// Header pairs the module hands over in its memory (headers of a local reply, an http_call, a map).
import { decodePairs, type HeaderPair } from '../abi/pairs.js';
import type { WasmVm } from '../vm.js';

/** null when the bytes are out of bounds or not a well-formed pairs serialization. */
export function readGuestPairs(vm: WasmVm, ptr: number, len: number): HeaderPair[] | null {
  ptr >>>= 0;
  len >>>= 0;
  // Decoded straight from guest memory (into new strings), so no copy of the bytes first.
  if (!vm.inBounds(ptr, len)) return null;
  return decodePairs(vm.bytes().subarray(ptr, ptr + len));
}

/** Envoy lower-cases header names on the way in; the module may send any case. */
export function withLowerCaseNames(pairs: readonly HeaderPair[]): HeaderPair[] {
  return pairs.map(([k, v]) => [k.toLowerCase(), v] as HeaderPair);
}
