// String matchers of a compiled rule (docs/wire-format.md "String matches", "DFA tables").
// Values are UTF-8 bytes compared byte for byte; the request side is a (ptr, size) view into scratch memory.

export const enum MatchKind { Exact = 0, Prefix = 1, Regex = 2, Present = 3, Absent = 4 }

export class Dfa {
  constructor(
    readonly classes: i32,
    /** 256 bytes: byte -> class. */
    readonly classMap: StaticArray<u8>,
    /** states*classes next states; 0xFFFF = dead. */
    readonly table: StaticArray<u16>,
    /** Per state: 1 when accepting. */
    readonly accepting: StaticArray<u8>,
  ) {}

  /** Whether the DFA accepts the whole input. Entries are validated on load, so no bounds checks here. */
  accepts(ptr: usize, size: usize): bool {
    let s: i32 = 0;
    const classes = this.classes;
    for (let i: usize = 0; i < size; i++) {
      const c = <i32>unchecked(this.classMap[load<u8>(ptr + i)]);
      s = <i32>unchecked(this.table[s * classes + c]);
      if (s == 0xffff) return false;
    }
    return unchecked(this.accepting[s]) != 0;
  }
}

export class StringMatcher {
  constructor(
    readonly kind: MatchKind,
    readonly value: ArrayBuffer,
    readonly dfa: Dfa | null,
  ) {}

  matches(ptr: usize, size: usize): bool {
    const want = <usize>this.value.byteLength;
    if (this.kind == MatchKind.Exact) {
      return size == want && memory.compare(ptr, changetype<usize>(this.value), want) == 0;
    }
    if (this.kind == MatchKind.Prefix) {
      return size >= want && memory.compare(ptr, changetype<usize>(this.value), want) == 0;
    }
    const dfa = this.dfa;
    return dfa !== null && dfa.accepts(ptr, size);
  }
}

/** One header condition; `slot` indexes the rule set's list of distinct header names. */
export class HeaderCondition {
  constructor(
    readonly slot: i32,
    readonly kind: MatchKind,
    readonly matcher: StringMatcher | null,
  ) {}
}
