// Byte buffers as the rule set holds them: one shared empty buffer, and equality (for sharing equal
// buffers and objects between the rules of a loaded set).

/** What every empty value refers to: a loaded set allocates only the bytes it keeps (never mutated). */
export const EMPTY = new ArrayBuffer(0);

/** FNV-1a over 64 bits, continuing from `h` (start with HASH_START): tells rules apart, never on the request path. */
export function hashBytes(h: u64, ptr: usize, size: usize): u64 {
  for (let i: usize = 0; i < size; i++) h = (h ^ <u64>load<u8>(ptr + i)) * 0x100000001b3;
  return h;
}

export const HASH_START: u64 = 0xcbf29ce484222325;

export function sameBytes(a: ArrayBuffer, b: ArrayBuffer): bool {
  return a.byteLength == b.byteLength && memory.compare(changetype<usize>(a), changetype<usize>(b), a.byteLength) == 0;
}
