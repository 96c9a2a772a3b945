// An HTTP header map with Envoy's semantics for proxy-wasm: keys lower-cased on every operation,
// get returns the first value, byteSize counts key and value bytes.
import type { HeaderPair } from './abi/pairs.js';

const encoder = new TextEncoder();

export class HeaderMap {
  private pairs: HeaderPair[];
  constructor(pairs: readonly (readonly [string, string])[] = []) {
    this.pairs = pairs.map(([k, v]) => [k.toLowerCase(), v]);
  }
  get(key: string): string | undefined {
    const k = key.toLowerCase();
    return this.pairs.find(([name]) => name === k)?.[1];
  }
  add(key: string, value: string): void {
    this.pairs.push([key.toLowerCase(), value]);
  }
  /** Envoy setCopy: replaces the first entry's value, or adds. */
  replace(key: string, value: string): void {
    const k = key.toLowerCase();
    const entry = this.pairs.find(([name]) => name === k);
    if (entry) entry[1] = value;
    else this.pairs.push([k, value]);
  }
  remove(key: string): void {
    const k = key.toLowerCase();
    this.pairs = this.pairs.filter(([name]) => name !== k);
  }
  setAll(pairs: readonly (readonly [string, string])[]): void {
    this.pairs = pairs.map(([k, v]) => [k.toLowerCase(), v]);
  }
  entries(): HeaderPair[] {
    return this.pairs.map(([k, v]) => [k, v]);
  }
  get size(): number {
    return this.pairs.length;
  }
  /** Envoy HeaderMap::byteSize(): the sum of key and value lengths in bytes. */
  byteSize(): number {
    let n = 0;
    for (const [k, v] of this.pairs) n += encoder.encode(k).length + encoder.encode(v).length;
    return n;
  }
}
