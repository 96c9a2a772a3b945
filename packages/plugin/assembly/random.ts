// xorshift64* exactly as docs/wire-format.md "The draw" specifies, so draws match the TypeScript reference.

const ZERO_SEED_REPLACEMENT: u64 = 0x9e3779b97f4a7c15;
const MULTIPLIER: u64 = 0x2545f4914f6cdd1d;
/** The largest multiple of 1,000,000 not above 2^32. */
const REJECT_AT: u32 = 4_294_000_000;

export class Xorshift64Star {
  private state: u64;

  constructor(seed: u64) {
    this.state = seed == 0 ? ZERO_SEED_REPLACEMENT : seed;
  }

  nextU32(): u32 {
    let x = this.state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    this.state = x;
    return <u32>((x * MULTIPLIER) >> 32);
  }

  drawPerMillion(): u32 {
    let r = this.nextU32();
    while (r >= REJECT_AT) r = this.nextU32();
    return r % 1_000_000;
  }

  /** An integer in [0, n), n >= 1: draws at or above the largest multiple of n not above 2^32 are retried. */
  drawBelow(n: u32): u32 {
    const rejectAt: u64 = 0x1_0000_0000 - (0x1_0000_0000 % <u64>n);
    let r = this.nextU32();
    while (<u64>r >= rejectAt) r = this.nextU32();
    return r % n;
  }
}
