// A strict, pull-style JSON reader (RFC 8259 grammar), over bytes in linear memory or streamed from a
// ByteSource through a small window. It builds no tree: callers walk objects and arrays and keep only
// what they need, so a large rule set costs its compiled form plus the window, not its text.
// It never traps: every read is bounds-checked, depth is capped, and the first error moves the cursor
// to the end so every later read fails fast.
// Why not a library: see docs/adr/0020-own-json-reader.md; why streamed: docs/adr/0023-streamed-rule-set-parse.md.

const MAX_DEPTH: i32 = 64;
/** Member names longer than this (raw, escapes included) match no known name; the longest known is 12. */
const MAX_KEY: usize = 128;
const keyBuffer = memory.data(<i32>MAX_KEY + 2);
const WINDOW: i32 = 16 * 1024;
const sharedWindow = new ArrayBuffer(WINDOW);
/** A refill reads at least this much free space (the window doubles when a token leaves less). */
const MIN_READ: usize = 4 * 1024;

/** Where a streaming reader's bytes come from. */
export class ByteSource {
  /** Copies up to `max` (> 0) bytes to `dst`; 0 once there is nothing left. */
  read(_dst: usize, _max: usize): usize {
    return 0;
  }
}

export const enum JsonKind {
  End = 0,
  Object = 1,
  Array = 2,
  String = 3,
  Number = 4,
  True = 5,
  False = 6,
  Null = 7,
  Invalid = 8,
}

export class JsonReader {
  private pos: usize;
  private end: usize;
  /** Where the window (or the whole input) starts, and that point's offset in the input. */
  private windowStart: usize;
  private consumed: usize = 0;
  private source: ByteSource | null = null;
  private window: ArrayBuffer | null = null;
  private exhausted: bool = true;
  /** How far the last refill moved the window's bytes (new address - old address). */
  private shift: isize = 0;
  private depth: i32 = 0;
  failed: bool = false;
  error: string = '';
  // The key read by the last successful `nextKey`, copied to `keyBuffer` between quotes (no allocation).
  private keySize: usize = 0;
  private keyEscaped: bool = false;
  private keyLong: bool = false;

  /** Reads `size` bytes at `ptr`. */
  constructor(ptr: usize, size: usize) {
    this.windowStart = ptr;
    this.pos = ptr;
    this.end = ptr + size;
  }

  /** How many bytes of the input have been read so far. */
  get position(): usize {
    return this.consumed + this.pos - this.windowStart;
  }

  /**
   * Reads from `source` through a window (16 KiB, larger only while one string needs it). The 16 KiB window is
   * one for the module, made once: a VM reads one streamed body at a time (a rule set, in one or two passes
   * after each other), and making and freeing it per load was a measurable part of a small set's load.
   */
  static streaming(source: ByteSource): JsonReader {
    const window = sharedWindow;
    const r = new JsonReader(changetype<usize>(window), 0);
    r.window = window;
    r.source = source;
    r.exhausted = false;
    return r;
  }

  fail(message: string): void {
    if (!this.failed) {
      this.failed = true;
      this.error = message + ' at byte ' + (this.consumed + this.pos - this.windowStart).toString();
    }
    this.pos = this.end;
    this.exhausted = true;
  }

  /**
   * Drops the bytes before `keep` (<= pos), moves the rest to the window's start and appends what the
   * source has. False when nothing more came. Callers holding pointers into the window add `shift`.
   */
  private refill(keep: usize): bool {
    this.shift = 0;
    const source = this.source;
    if (source === null || this.exhausted) return false;
    let base = this.windowStart;
    let capacity = <usize>this.window!.byteLength;
    const live = this.end - keep;
    if (live + MIN_READ > capacity) {
      while (live + MIN_READ > capacity) capacity <<= 1;
      const bigger = new ArrayBuffer(<i32>capacity);
      memory.copy(changetype<usize>(bigger), keep, live);
      this.window = bigger;
      base = changetype<usize>(bigger);
    } else if (keep != base) memory.copy(base, keep, live);
    this.consumed += keep - this.windowStart;
    this.shift = <isize>base - <isize>keep;
    this.windowStart = base;
    this.pos = <usize>(<isize>this.pos + this.shift);
    const n = source.read(base + live, capacity - live);
    this.end = base + live + n;
    if (n == 0) this.exhausted = true;
    return n > 0;
  }

  /** True when a byte is available at `pos` (refilling if needed). */
  private more(): bool {
    return this.pos < this.end || this.refill(this.pos);
  }

  /** True when `n` bytes are available from `pos`. */
  private ensure(n: usize): bool {
    while (this.end - this.pos < n) {
      if (!this.refill(this.pos)) return false;
    }
    return true;
  }

  /** True when the whole input was one value followed only by whitespace. */
  finish(): bool {
    this.skipSpace();
    if (!this.failed && this.pos != this.end) this.fail('unexpected data after the value');
    return !this.failed;
  }

  private skipSpace(): void {
    while (this.more()) {
      const c = load<u8>(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.pos++;
    }
  }

  private peekByte(): i32 {
    this.skipSpace();
    return this.pos < this.end ? <i32>load<u8>(this.pos) : -1;
  }

  kind(): JsonKind {
    const c = this.peekByte();
    if (c < 0) return JsonKind.End;
    if (c == 0x7b) return JsonKind.Object;
    if (c == 0x5b) return JsonKind.Array;
    if (c == 0x22) return JsonKind.String;
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return JsonKind.Number;
    if (c == 0x74) return JsonKind.True;
    if (c == 0x66) return JsonKind.False;
    if (c == 0x6e) return JsonKind.Null;
    return JsonKind.Invalid;
  }

  private expectByte(c: i32, what: string): bool {
    if (this.peekByte() != c) {
      this.fail('expected ' + what);
      return false;
    }
    this.pos++;
    return true;
  }

  private enter(open: i32, what: string): bool {
    if (this.depth >= MAX_DEPTH) {
      this.fail('nesting deeper than ' + MAX_DEPTH.toString());
      return false;
    }
    if (!this.expectByte(open, what)) return false;
    this.depth++;
    return true;
  }

  /** Consumes `{`. Then loop `while (r.nextKey(first)) { first = false; …read or skip the value… }`. */
  enterObject(): bool {
    return this.enter(0x7b, 'an object');
  }

  enterArray(): bool {
    return this.enter(0x5b, 'an array');
  }

  /** Moves to the next member; false at `}` (consumed) or on error. Sets `key`. */
  nextKey(first: bool): bool {
    if (this.failed) return false;
    let c = this.peekByte();
    if (c == 0x7d) {
      this.pos++;
      this.depth--;
      return false;
    }
    if (!first) {
      if (!this.expectByte(0x2c, "',' or '}'")) return false;
      c = this.peekByte();
    }
    if (c != 0x22) {
      this.fail('expected a member name');
      return false;
    }
    this.pos++;
    let keyStart = this.pos;
    this.keyEscaped = false;
    for (;;) {
      if (this.pos >= this.end) {
        if (!this.refill(keyStart)) break;
        keyStart = <usize>(<isize>keyStart + this.shift);
      }
      const k = load<u8>(this.pos);
      if (k == 0x22) break;
      if (k < 0x20) break;
      if (k == 0x5c) {
        this.keyEscaped = true;
        this.pos++;
        if (this.pos >= this.end) {
          if (!this.refill(keyStart)) break;
          keyStart = <usize>(<isize>keyStart + this.shift);
        }
      }
      this.pos++;
    }
    if (this.pos >= this.end || load<u8>(this.pos) != 0x22) {
      this.fail('invalid member name');
      return false;
    }
    const size = this.pos - keyStart;
    this.keySize = size;
    this.keyLong = size > MAX_KEY;
    if (!this.keyLong) {
      // Copied out: reading on (whitespace, ':') may refill the window and move the bytes.
      store<u8>(keyBuffer, 0x22);
      memory.copy(keyBuffer + 1, keyStart, size);
      store<u8>(keyBuffer + 1 + size, 0x22);
    }
    this.pos++;
    return this.expectByte(0x3a, "':'");
  }

  /** Moves to the next element; false at `]` (consumed) or on error. */
  nextItem(first: bool): bool {
    if (this.failed) return false;
    const c = this.peekByte();
    if (c == 0x5d) {
      this.pos++;
      this.depth--;
      return false;
    }
    if (!first && !this.expectByte(0x2c, "',' or ']'")) return false;
    if (this.peekByte() < 0) {
      this.fail('unexpected end of input');
      return false;
    }
    return true;
  }

  private literal(text: string): bool {
    const n = <usize>text.length;
    if (!this.ensure(n)) {
      this.fail('invalid literal');
      return false;
    }
    for (let i: usize = 0; i < n; i++) {
      if (<u32>load<u8>(this.pos + i) != <u32>text.charCodeAt(<i32>i)) {
        this.fail('invalid literal');
        return false;
      }
    }
    this.pos += n;
    return true;
  }

  /** Whether the current member name equals `name` (ASCII). Escaped names are decoded first (rare). */
  keyIs(name: string): bool {
    if (this.keyLong) return false;
    if (this.keyEscaped) {
      const inner = new JsonReader(keyBuffer, this.keySize + 2);
      return inner.readString() == name;
    }
    const n = <usize>name.length;
    if (n != this.keySize) return false;
    for (let i: usize = 0; i < n; i++) {
      if (<u32>load<u8>(keyBuffer + 1 + i) != <u32>name.charCodeAt(<i32>i)) return false;
    }
    return true;
  }

  readBool(): bool {
    const k = this.kind();
    if (k == JsonKind.True) return this.literal('true');
    if (k == JsonKind.False) {
      this.literal('false');
      return false;
    }
    this.fail('expected a boolean');
    return false;
  }

  readNull(): void {
    if (this.kind() != JsonKind.Null) this.fail('expected null');
    else this.literal('null');
  }

  /** A JSON number as f64. Integers up to 2^53 are exact. */
  readNumber(): f64 {
    if (this.kind() != JsonKind.Number) {
      this.fail('expected a number');
      return 0;
    }
    let negative = false;
    if (load<u8>(this.pos) == 0x2d) {
      negative = true;
      this.pos++;
    }
    let mantissa: f64 = 0;
    let exponent: i32 = 0;
    let digits = 0;
    if (this.more() && load<u8>(this.pos) == 0x30) {
      this.pos++;
      digits = 1;
    } else {
      while (this.more()) {
        const c = <i32>load<u8>(this.pos);
        if (c < 0x30 || c > 0x39) break;
        mantissa = mantissa * 10 + <f64>(c - 0x30);
        this.pos++;
        digits++;
      }
    }
    if (digits == 0) {
      this.fail('invalid number');
      return 0;
    }
    if (this.more() && load<u8>(this.pos) == 0x2e) {
      this.pos++;
      let fraction = 0;
      while (this.more()) {
        const c = <i32>load<u8>(this.pos);
        if (c < 0x30 || c > 0x39) break;
        if (fraction < 30) {
          mantissa = mantissa * 10 + <f64>(c - 0x30);
          exponent--;
        }
        fraction++;
        this.pos++;
      }
      if (fraction == 0) {
        this.fail('invalid number');
        return 0;
      }
    }
    if (this.more() && (load<u8>(this.pos) | 0x20) == 0x65) {
      this.pos++;
      let sign: i32 = 1;
      if (this.more() && (load<u8>(this.pos) == 0x2b || load<u8>(this.pos) == 0x2d)) {
        if (load<u8>(this.pos) == 0x2d) sign = -1;
        this.pos++;
      }
      let e: i32 = 0;
      let expDigits = 0;
      while (this.more()) {
        const c = <i32>load<u8>(this.pos);
        if (c < 0x30 || c > 0x39) break;
        if (e < 10000) e = e * 10 + (c - 0x30);
        expDigits++;
        this.pos++;
      }
      if (expDigits == 0) {
        this.fail('invalid number');
        return 0;
      }
      exponent += sign * e;
    }
    let value = mantissa;
    if (exponent > 0) value = mantissa * pow10(exponent);
    else if (exponent < 0) value = mantissa / pow10(-exponent);
    return negative ? -value : value;
  }

  /** Where the last `readStringView` put the string's decoded bytes; valid until the next read. */
  viewPtr: usize = 0;
  viewSize: usize = 0;
  /** Reused for strings with escapes (rare), so a view never needs its own allocation. */
  private escapeBuffer: ArrayBuffer = new ArrayBuffer(0);

  /** Reads a string without copying it: unescaped strings are viewed in place, escaped ones decoded once. */
  readStringView(): bool {
    this.viewPtr = 0;
    this.viewSize = 0;
    if (this.kind() != JsonKind.String) {
      this.fail('expected a string');
      return false;
    }
    this.pos++;
    // First pass: find the closing quote and check for escapes, so the common case copies nothing.
    let p = this.pos;
    let escaped = false;
    for (;;) {
      if (p >= this.end) {
        // The window keeps the string from its first byte; `p` moves with it.
        if (!this.refill(this.pos)) break;
        p = <usize>(<isize>p + this.shift);
      }
      const c = load<u8>(p);
      if (c == 0x22) break;
      if (c < 0x20) {
        this.pos = p;
        this.fail('control character in a string');
        return false;
      }
      if (c == 0x5c) {
        escaped = true;
        p++;
        if (p >= this.end) {
          if (!this.refill(this.pos)) break;
          p = <usize>(<isize>p + this.shift);
        }
      }
      p++;
    }
    if (p >= this.end) {
      this.fail('unterminated string');
      return false;
    }
    if (!escaped) {
      this.viewPtr = this.pos;
      this.viewSize = p - this.pos;
      this.pos = p + 1;
      return true;
    }
    return this.decodeEscaped(p);
  }

  /** A JSON string's content as UTF-8 bytes (escapes decoded), in its own buffer. */
  readStringBytes(): ArrayBuffer {
    if (!this.readStringView()) return new ArrayBuffer(0);
    const out = new ArrayBuffer(<i32>this.viewSize);
    memory.copy(changetype<usize>(out), this.viewPtr, this.viewSize);
    return out;
  }

  /** Whether the last view equals `text` (ASCII). */
  viewIs(text: string): bool {
    const n = <usize>text.length;
    if (n != this.viewSize) return false;
    for (let i: usize = 0; i < n; i++) {
      if (<u32>load<u8>(this.viewPtr + i) != <u32>text.charCodeAt(<i32>i)) return false;
    }
    return true;
  }

  private decodeEscaped(closing: usize): bool {
    // Escapes never expand: \uXXXX (6 bytes) becomes at most 3 bytes, a surrogate pair (12) 4 bytes.
    const need = <i32>(closing - this.pos);
    if (this.escapeBuffer.byteLength < need) this.escapeBuffer = new ArrayBuffer(need);
    const base = changetype<usize>(this.escapeBuffer);
    let out = base;
    while (this.pos < closing) {
      const c = load<u8>(this.pos);
      if (c != 0x5c) {
        store<u8>(out++, c);
        this.pos++;
        continue;
      }
      this.pos++;
      const e = load<u8>(this.pos);
      this.pos++;
      if (e == 0x22 || e == 0x5c || e == 0x2f) store<u8>(out++, e);
      else if (e == 0x62) store<u8>(out++, 0x08);
      else if (e == 0x66) store<u8>(out++, 0x0c);
      else if (e == 0x6e) store<u8>(out++, 0x0a);
      else if (e == 0x72) store<u8>(out++, 0x0d);
      else if (e == 0x74) store<u8>(out++, 0x09);
      else if (e == 0x75) {
        let cp = this.hex4(closing);
        if (cp < 0) return false;
        if (cp >= 0xd800 && cp <= 0xdbff && this.pos + 6 <= closing && load<u8>(this.pos) == 0x5c && load<u8>(this.pos + 1) == 0x75) {
          const save = this.pos;
          this.pos += 2;
          const low = this.hex4(closing);
          if (low < 0) return false;
          if (low >= 0xdc00 && low <= 0xdfff) cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          else this.pos = save;
        }
        out = putUtf8(out, cp);
      } else {
        this.fail('invalid escape');
        return false;
      }
    }
    this.pos = closing + 1;
    this.viewPtr = base;
    this.viewSize = out - base;
    return true;
  }

  private hex4(limit: usize): i32 {
    if (this.pos + 4 > limit) {
      this.fail('invalid \\u escape');
      return -1;
    }
    let v: i32 = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>load<u8>(this.pos + i);
      let d: i32;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
      else {
        this.fail('invalid \\u escape');
        return -1;
      }
      v = (v << 4) | d;
    }
    this.pos += 4;
    return v;
  }

  readString(): string {
    const bytes = this.readStringBytes();
    return String.UTF8.decode(bytes);
  }

  /** Skips one value of any kind. */
  skipValue(): void {
    const k = this.kind();
    if (k == JsonKind.Object) {
      if (!this.enterObject()) return;
      let first = true;
      while (this.nextKey(first)) {
        first = false;
        this.skipValue();
      }
    } else if (k == JsonKind.Array) {
      if (!this.enterArray()) return;
      let first = true;
      while (this.nextItem(first)) {
        first = false;
        this.skipValue();
      }
    } else if (k == JsonKind.String) this.skipString();
    else if (k == JsonKind.Number) this.readNumber();
    else if (k == JsonKind.True || k == JsonKind.False) this.readBool();
    else if (k == JsonKind.Null) this.readNull();
    else if (k == JsonKind.End) this.fail('unexpected end of input');
    else this.fail('unexpected character');
  }

  private skipString(): void {
    this.pos++;
    while (this.more()) {
      const c = load<u8>(this.pos);
      if (c == 0x22) {
        this.pos++;
        return;
      }
      if (c < 0x20) break;
      if (c == 0x5c) {
        this.pos++;
        if (!this.more()) break;
        const e = load<u8>(this.pos);
        if (e == 0x75) {
          this.pos++;
          this.ensure(4);
          if (this.hex4(this.end) < 0) return;
          continue;
        }
        if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) break;
      }
      this.pos++;
    }
    this.fail('invalid string');
  }
}

/** 10^e for e >= 0 by squaring; saturates to Infinity (no trap, no import). */
function pow10(e: i32): f64 {
  let result: f64 = 1;
  let base: f64 = 10;
  while (e > 0) {
    if (e & 1) result *= base;
    base *= base;
    e >>= 1;
  }
  return result;
}

function putUtf8(out: usize, cp: i32): usize {
  if (cp < 0x80) {
    store<u8>(out, cp);
    return out + 1;
  }
  if (cp < 0x800) {
    store<u8>(out, 0xc0 | (cp >> 6));
    store<u8>(out + 1, 0x80 | (cp & 0x3f));
    return out + 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, 0xe0 | (cp >> 12));
    store<u8>(out + 1, 0x80 | ((cp >> 6) & 0x3f));
    store<u8>(out + 2, 0x80 | (cp & 0x3f));
    return out + 3;
  }
  store<u8>(out, 0xf0 | (cp >> 18));
  store<u8>(out + 1, 0x80 | ((cp >> 12) & 0x3f));
  store<u8>(out + 2, 0x80 | ((cp >> 6) & 0x3f));
  store<u8>(out + 3, 0x80 | (cp & 0x3f));
  return out + 4;
}

/** Appends `text` as a JSON string literal (with quotes) to `parts`. */
export function jsonQuote(text: string): string {
  let needs = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c == 0x22 || c == 0x5c) {
      needs = true;
      break;
    }
  }
  if (!needs) return '"' + text + '"';
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += '\\\\';
    else if (c == 0x0a) out += '\\n';
    else if (c == 0x0d) out += '\\r';
    else if (c == 0x09) out += '\\t';
    else if (c < 0x20) out += '\\u00' + (c < 0x10 ? '0' : '') + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}
