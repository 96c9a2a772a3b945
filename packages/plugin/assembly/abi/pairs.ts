// The proxy-wasm "pairs" serialization: u32 LE count, then (u32 LE key length, u32 LE value length)
// per pair, then each key and value followed by a NUL byte.

export class PairsBuilder {
  /** Key, value, key, value, … in one list (one allocation fewer than keys and values apart). */
  private items: ArrayBuffer[] = [];

  add(key: ArrayBuffer, value: ArrayBuffer): PairsBuilder {
    this.items.push(key);
    this.items.push(value);
    return this;
  }

  addString(key: string, value: string): PairsBuilder {
    return this.add(String.UTF8.encode(key), String.UTF8.encode(value));
  }

  /** Forgets the pairs added but keeps the list's capacity, so a builder kept for reuse allocates nothing more. */
  clear(): void {
    this.items.length = 0;
  }

  build(): ArrayBuffer {
    const items = this.items;
    const n = items.length >> 1;
    let size = 4 + 8 * n;
    for (let i = 0; i < items.length; i++) size += items[i].byteLength + 1;
    const out = new ArrayBuffer(size);
    const base = changetype<usize>(out);
    store<u32>(base, n);
    let data = base + 4 + 8 * n;
    for (let i = 0; i < n; i++) {
      const k = items[2 * i];
      const v = items[2 * i + 1];
      store<u32>(base + 4 + 8 * i, k.byteLength);
      store<u32>(base + 8 + 8 * i, v.byteLength);
      memory.copy(data, changetype<usize>(k), k.byteLength);
      data += k.byteLength;
      store<u8>(data++, 0);
      memory.copy(data, changetype<usize>(v), v.byteLength);
      data += v.byteLength;
      store<u8>(data++, 0);
    }
    return out;
  }
}
