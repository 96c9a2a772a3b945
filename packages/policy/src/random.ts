import type { DrawSource } from './types.js';

const MASK_64 = (1n << 64n) - 1n;
const MULTIPLIER = 0x2545f4914f6cdd1dn;
const ZERO_SEED_REPLACEMENT = 0x9e3779b97f4a7c15n;
/** The largest multiple of 1,000,000 not above 2^32: draws at or above it are retried so no residue is favoured. */
const REJECT_AT = 4_294_000_000;

/** xorshift64* exactly as docs/wire-format.md specifies, so the plugin and the reference agree to the bit. */
export class Xorshift64Star implements DrawSource {
  private state: bigint;

  constructor(seed: bigint) {
    const masked = BigInt.asUintN(64, seed);
    this.state = masked === 0n ? ZERO_SEED_REPLACEMENT : masked;
  }

  /** Upper 32 bits of the next output. */
  nextU32(): number {
    let x = this.state;
    x ^= x >> 12n;
    x = (x ^ (x << 25n)) & MASK_64;
    x ^= x >> 27n;
    this.state = x;
    return Number(((x * MULTIPLIER) & MASK_64) >> 32n);
  }

  drawPerMillion(): number {
    let r = this.nextU32();
    while (r >= REJECT_AT) r = this.nextU32();
    return r % 1_000_000;
  }

  /** Draws at or above the largest multiple of n not above 2^32 are retried, so no residue is favoured. */
  drawBelow(n: number): number {
    const rejectAt = 2 ** 32 - (2 ** 32 % n);
    let r = this.nextU32();
    while (r >= rejectAt) r = this.nextU32();
    return r % n;
  }
}
