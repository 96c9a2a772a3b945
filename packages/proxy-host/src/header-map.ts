// An HTTP header map with Envoy's semantics for proxy-wasm: keys lower-cased on every operation,
// get returns the first value, byteSize counts key and value bytes.
// Copy-on-write: entries() hands out the live array without copying, and the next mutation copies it
// first, so snapshots (forwarded headers, request attributes) never change under their holder.
import type { HeaderPair } from './abi/pairs.js';

/** True when the key has no ASCII upper-case letter (most keys: proxies lower-case them already). */
function isLower(k: string): boolean {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c >= 65 && c <= 90) return false;
  }
  return true;
}

function lowered(pairs: readonly (readonly [string, string])[]): HeaderPair[] {
  const out: HeaderPair[] = new Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    out[i] = [isLower(p[0]) ? p[0] : p[0].toLowerCase(), p[1]];
  }
  return out;
}

export class HeaderMap {
  private pairs: HeaderPair[];
  /** The array was handed out by entries(): copy before the next mutation. */
  private shared = false;
  private bytes = -1;
  constructor(pairs: readonly (readonly [string, string])[] = []) {
    this.pairs = lowered(pairs);
  }
  /** Takes ownership of pairs whose keys are already lower-case (the proxy builds them fresh). */
  static adopt(pairs: HeaderPair[]): HeaderMap {
    const m = new HeaderMap();
    m.pairs = pairs;
    return m;
  }
  get(key: string): string | undefined {
    const k = isLower(key) ? key : key.toLowerCase();
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i++) if (pairs[i]![0] === k) return pairs[i]![1];
    return undefined;
  }
  private own(): HeaderPair[] {
    if (this.shared) {
      this.pairs = this.pairs.slice();
      this.shared = false;
    }
    this.bytes = -1;
    return this.pairs;
  }
  add(key: string, value: string): void {
    this.own().push([key.toLowerCase(), value]);
  }
  /** Envoy setCopy: replaces the first entry's value, or adds. Entries are never mutated in place. */
  replace(key: string, value: string): void {
    const k = key.toLowerCase();
    const pairs = this.own();
    const i = pairs.findIndex(([name]) => name === k);
    if (i >= 0) pairs[i] = [k, value];
    else pairs.push([k, value]);
  }
  remove(key: string): void {
    const k = key.toLowerCase();
    this.pairs = this.pairs.filter(([name]) => name !== k);
    this.shared = false;
    this.bytes = -1;
  }
  setAll(pairs: readonly (readonly [string, string])[]): void {
    this.pairs = lowered(pairs);
    this.shared = false;
    this.bytes = -1;
  }
  /** The current pairs; read-only for the caller (the map copies before it changes them). */
  entries(): readonly HeaderPair[] {
    this.shared = true;
    return this.pairs;
  }
  get size(): number {
    return this.pairs.length;
  }
  /** Envoy HeaderMap::byteSize(): the sum of key and value lengths in bytes (cached until a mutation). */
  byteSize(): number {
    if (this.bytes < 0) {
      let n = 0;
      for (const [k, v] of this.pairs) n += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8');
      this.bytes = n;
    }
    return this.bytes;
  }
}
