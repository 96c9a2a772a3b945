// Random bytes for random_get: a seeded generator (tests) or the OS source (hfi-proxy passes it in).

/** splitmix64: small, seedable, good enough to make random_get deterministic in tests. */
export function seededRandomBytes(seed: bigint): (buf: Uint8Array) => void {
  let state = BigInt.asUintN(64, seed);
  const next = (): bigint => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  return (buf) => {
    for (let i = 0; i < buf.length; i += 8) {
      let word = next();
      for (let j = i; j < Math.min(i + 8, buf.length); j++) {
        buf[j] = Number(word & 0xffn);
        word >>= 8n;
      }
    }
  };
}
