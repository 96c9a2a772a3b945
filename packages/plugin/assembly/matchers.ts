// String matchers of a compiled rule (docs/wire-format.md "String matches", "DFA tables").
// Values are UTF-8 bytes compared byte for byte; the request side is a (ptr, size) view into scratch memory.

export const enum MatchKind { Exact = 0, Prefix = 1, Regex = 2, Present = 3, Absent = 4 }

const prefixScratch = memory.data(64);
const keyScratch = memory.data(8);
/** The size of what StringMatcher.literalBytes last returned. */
export let literalSize: i32 = 0;
const NO_BYTES = new ArrayBuffer(0);

export class Dfa {
  constructor(
    readonly classes: i32,
    /** 256 bytes: byte -> class (the decoded wire buffer, validated on load). */
    readonly classMap: ArrayBuffer,
    /** states*classes u16 LE next states; 0xFFFF = dead. */
    readonly table: ArrayBuffer,
    /** Per state: 1 when accepting. */
    readonly accepting: StaticArray<u8>,
  ) {}

  /** Whether the DFA accepts the whole input. Entries are validated on load, so no bounds checks here. */
  accepts(ptr: usize, size: usize): bool {
    let s: i32 = 0;
    const classes = this.classes;
    const map = changetype<usize>(this.classMap);
    const table = changetype<usize>(this.table);
    for (let i: usize = 0; i < size; i++) {
      const c = <i32>load<u8>(map + <usize>load<u8>(ptr + i));
      s = <i32>load<u16>(table + (<usize>(s * classes + c) << 1));
      if (s == 0xffff) return false;
    }
    return unchecked(this.accepting[s]) != 0;
  }

  /**
   * The bytes every accepted input starts with: followed from state 0 while exactly one byte leads to a
   * live state and the state does not accept. Feeds the path index and the 8-byte quick reject.
   */
  literalPrefix(): ArrayBuffer {
    const MAX: i32 = 64;
    const out = prefixScratch;
    let n = 0;
    let s: i32 = 0;
    const classes = this.classes;
    const map = changetype<usize>(this.classMap);
    const table = changetype<usize>(this.table);
    while (n < MAX && unchecked(this.accepting[s]) == 0) {
      let only: i32 = -1;
      let next: i32 = 0xffff;
      for (let b = 0; b < 256; b++) {
        const t = <i32>load<u16>(table + (<usize>(s * classes + <i32>load<u8>(map + <usize>b)) << 1));
        if (t == 0xffff) continue;
        if (only >= 0) {
          only = -2;
          break;
        }
        only = b;
        next = t;
      }
      if (only < 0) break;
      store<u8>(out + <usize>n, <u8>only);
      n++;
      s = next;
    }
    if (n == 0) return NO_BYTES;
    const prefix = new ArrayBuffer(n);
    memory.copy(changetype<usize>(prefix), out, n);
    return prefix;
  }
}

/** A value's first 8 bytes as a little-endian u64, zero-padded: compared against a matcher's key. */
// @ts-ignore: decorator
@inline
export function keyOf(ptr: usize, size: usize): u64 {
  if (size >= 8) return load<u64>(ptr);
  let key: u64 = 0;
  for (let i: usize = 0; i < size; i++) key |= (<u64>load<u8>(ptr + i)) << (<u64>(i << 3));
  return key;
}

export class StringMatcher {
  // Fields ordered (references, 64-bit, bytes) to keep the object in a 48-byte block.
  /** The literal of exact/prefix; EMPTY when the key holds all of it (keyDecides), and for a regex. */
  readonly value: ArrayBuffer;
  readonly dfa: Dfa | null;
  /** Quick reject: the literal's first (up to 8) bytes, and which bytes count. */
  readonly key: u64;
  readonly mask: u64;
  private readonly kindByte: u8;
  /** Exact/prefix with a literal of at most 8 bytes and no NUL: the key compare (and a size check) decides. */
  readonly keyDecides: bool;
  /** How many of the key's bytes are the literal's (at most 8). */
  readonly keySize: u8;

  /**
   * `literal` (`literalSize` bytes at that address, read here only): what every match starts with (the value of
   * exact/prefix, a DFA's literal prefix). `value` is the exact/prefix literal when it does not fit the key.
   */
  constructor(kind: MatchKind, value: ArrayBuffer, dfa: Dfa | null, literal: usize, literalSize: i32) {
    this.value = value;
    this.dfa = dfa;
    this.kindByte = <u8>kind;
    const n = literalSize;
    const m = n < 8 ? n : 8;
    let hasNul = false;
    let key: u64 = 0;
    let mask: u64 = 0;
    for (let i = 0; i < m; i++) {
      const b = load<u8>(literal + i);
      if (b == 0) hasNul = true;
      key |= (<u64>b) << (<u64>(8 * i));
      mask |= (<u64>0xff) << (<u64>(8 * i));
    }
    this.key = key;
    this.mask = mask;
    this.keySize = <u8>m;
    // A zero-padded request key equals a NUL-free key only when the request really has those bytes.
    this.keyDecides = dfa === null && n <= 8 && !hasNul;
  }

  /** Whether a literal of `size` bytes at `ptr` fits the key whole (so that the matcher keeps no copy of it). */
  static fitsKey(ptr: usize, size: usize): bool {
    if (size > 8) return false;
    for (let i: usize = 0; i < size; i++) if (load<u8>(ptr + i) == 0) return false;
    return true;
  }

  /** The literal's bytes (at load, for the index): the value, or the key written to scratch memory; size in literalSize. */
  literalBytes(): usize {
    if (!this.keyDecides) {
      literalSize = this.value.byteLength;
      return changetype<usize>(this.value);
    }
    store<u64>(keyScratch, this.key);
    literalSize = this.keySize;
    return keyScratch;
  }

  get kind(): MatchKind {
    return <MatchKind>this.kindByte;
  }

  /** Whether the value at (ptr, size), whose keyOf is `key`, matches. */
  // @ts-ignore: decorator
  @inline
  matchesKeyed(ptr: usize, size: usize, key: u64): bool {
    if ((key & this.mask) != this.key) return false;
    if (this.kind == MatchKind.Exact) {
      if (this.keyDecides) return size == <usize>this.keySize;
      const want = <usize>this.value.byteLength;
      return size == want && memory.compare(ptr, changetype<usize>(this.value), want) == 0;
    }
    if (this.kind == MatchKind.Prefix) {
      if (this.keyDecides) return true;
      const want = <usize>this.value.byteLength;
      return size >= want && memory.compare(ptr, changetype<usize>(this.value), want) == 0;
    }
    const dfa = this.dfa;
    return dfa !== null && dfa.accepts(ptr, size);
  }

  matches(ptr: usize, size: usize): bool {
    return this.matchesKeyed(ptr, size, keyOf(ptr, size));
  }
}

/** One header condition; `slot` indexes the rule set's list of distinct header names. */
export class HeaderCondition {
  // (slot, kind, matcher): one per header condition of a rule.
  constructor(
    public slot: i32,
    readonly kind: MatchKind,
    readonly matcher: StringMatcher | null,
  ) {}
}
