// Standard base64 (RFC 4648 §4, padding optional), decoded straight into the caller's buffer.

function sextet(c: u32): i32 {
  if (c >= 0x41 && c <= 0x5a) return <i32>c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return <i32>c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30 + 52;
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/** Characters of `size` base64 bytes at `src` that carry data (padding removed); -1 when the length is invalid. */
function dataChars(src: usize, size: usize): isize {
  let n = size;
  while (n > 0 && load<u8>(src + n - 1) == 0x3d) n--;
  if (size - n > 2 || n % 4 == 1) return -1;
  return <isize>n;
}

/** Decoded byte count of the base64 text, or -1 when its length cannot be base64. */
export function base64DecodedSize(src: usize, size: usize): i32 {
  const n = dataChars(src, size);
  return n < 0 ? -1 : <i32>((n * 3) >> 2);
}

/** Decodes into `dst`, which must hold exactly `base64DecodedSize` bytes; false on any invalid character. */
export function decodeBase64Into(src: usize, size: usize, dst: usize, dstSize: i32): bool {
  const n = dataChars(src, size);
  if (n < 0 || <i32>((n * 3) >> 2) != dstSize) return false;
  let acc: u32 = 0;
  let bits: i32 = 0;
  let o = 0;
  for (let i: isize = 0; i < n; i++) {
    const v = sextet(load<u8>(src + i));
    if (v < 0) return false;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < dstSize) store<u8>(dst + o, (acc >> bits) & 0xff);
      o++;
    }
  }
  return o == dstSize;
}
