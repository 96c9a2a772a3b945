// Byte buffers as the rule set holds them: one shared empty buffer, and equality (for sharing equal
// buffers and objects between the rules of a loaded set).

/** What every empty value refers to: a loaded set allocates only the bytes it keeps (never mutated). */
export const EMPTY = new ArrayBuffer(0);

export function sameBytes(a: ArrayBuffer, b: ArrayBuffer): bool {
  return a.byteLength == b.byteLength && memory.compare(changetype<usize>(a), changetype<usize>(b), a.byteLength) == 0;
}
