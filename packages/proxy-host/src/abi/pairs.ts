// The proxy-wasm pairs serialization (spec "Serialization"; cpp-host src/pairs_util.cc):
// u32 LE count, then u32 LE key/value lengths per pair, then each key and value followed by a NUL.

export type HeaderPair = [string, string];
const encoder = new TextEncoder();

export function encodePairs(pairs: readonly (readonly [string | Uint8Array, string | Uint8Array])[]): Uint8Array {
  if (pairs.length === 0) return new Uint8Array(0);
  const bytes = pairs.map(([k, v]) => [toBytes(k), toBytes(v)] as const);
  let size = 4 + bytes.length * 8;
  for (const [k, v] of bytes) size += k.length + v.length + 2;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, bytes.length, true);
  let off = 4;
  for (const [k, v] of bytes) {
    view.setUint32(off, k.length, true);
    view.setUint32(off + 4, v.length, true);
    off += 8;
  }
  for (const [k, v] of bytes) {
    out.set(k, off);
    off += k.length + 1;
    out.set(v, off);
    off += v.length + 1;
  }
  return out;
}

/** Decodes pairs; returns null when the bytes are not a well-formed serialization. */
export function decodePairs(data: Uint8Array): HeaderPair[] | null {
  if (data.length === 0) return [];
  if (data.length < 4) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint32(0, true);
  let off = 4 + count * 8;
  if (count > data.length || off > data.length) return null;
  const out: HeaderPair[] = [];
  // Buffer's decoder (no view per string, and no BOM stripping: Envoy takes the bytes as they are).
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++) {
    const kl = view.getUint32(4 + i * 8, true);
    const vl = view.getUint32(8 + i * 8, true);
    if (off + kl + vl + 2 > data.length) return null;
    const k = text.toString('utf8', off, off + kl);
    off += kl + 1;
    const v = text.toString('utf8', off, off + vl);
    off += vl + 1;
    out.push([k, v]);
  }
  return out;
}

export function toBytes(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? encoder.encode(s) : s;
}
