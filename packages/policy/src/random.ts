import type { PerMillionSource } from './types.js';
/** xorshift64* exactly as docs/wire-format.md specifies, so the plugin and the reference agree to the bit. */
export class Xorshift64Star implements PerMillionSource {
  constructor(_seed: bigint) {}
  /** Upper 32 bits of the next output. */
  nextU32(): number { throw new Error('not implemented'); }
  drawPerMillion(): number { throw new Error('not implemented'); }
}
