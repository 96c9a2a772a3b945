// Standard base64 (RFC 4648 §4, padding optional) into bytes; null on any invalid input.

function sextet(c: u32): i32 {
  if (c >= 0x41 && c <= 0x5a) return <i32>c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return <i32>c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30 + 52;
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

export function decodeBase64(text: ArrayBuffer): ArrayBuffer | null {
  const src = changetype<usize>(text);
  let n = text.byteLength;
  while (n > 0 && load<u8>(src + n - 1) == 0x3d) n--;
  if (text.byteLength - n > 2 || n % 4 == 1) return null;
  const out = new ArrayBuffer((n * 3) >> 2);
  const dst = changetype<usize>(out);
  let acc: u32 = 0;
  let bits: i32 = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const v = sextet(load<u8>(src + i));
    if (v < 0) return null;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < out.byteLength) store<u8>(dst + o, (acc >> bits) & 0xff);
      o++;
    }
  }
  return o == out.byteLength ? out : null;
}
