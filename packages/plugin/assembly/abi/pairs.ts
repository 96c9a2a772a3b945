// The proxy-wasm "pairs" serialization: u32 LE count, then (u32 LE key length, u32 LE value length)
// per pair, then each key and value followed by a NUL byte.

export class PairsBuilder {
  private keys: ArrayBuffer[] = [];
  private values: ArrayBuffer[] = [];

  add(key: ArrayBuffer, value: ArrayBuffer): PairsBuilder {
    this.keys.push(key);
    this.values.push(value);
    return this;
  }

  addString(key: string, value: string): PairsBuilder {
    return this.add(String.UTF8.encode(key), String.UTF8.encode(value));
  }

  build(): ArrayBuffer {
    const n = this.keys.length;
    let size = 4 + 8 * n;
    for (let i = 0; i < n; i++) size += this.keys[i].byteLength + this.values[i].byteLength + 2;
    const out = new ArrayBuffer(size);
    const base = changetype<usize>(out);
    store<u32>(base, n);
    let data = base + 4 + 8 * n;
    for (let i = 0; i < n; i++) {
      const k = this.keys[i];
      const v = this.values[i];
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
