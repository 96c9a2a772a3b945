// Seeded randomness: every draw of a session comes from here, so a seed replays a session exactly.

import type { DrawSource } from '@hfi/policy';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Random extends DrawSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Standard normal draw. */
  gaussian(): number;
}

class SeededRandom implements Random {
  private readonly rng;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }

  next(): number {
    return uniformFloat64(this.rng);
  }

  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  gaussian(): number {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  drawPerMillion(): number {
    return uniformInt(this.rng, 0, 999_999);
  }

  drawBelow(n: number): number {
    return uniformInt(this.rng, 0, n - 1);
  }
}

/**
 * The generator for one purpose of one session step: (seed, stream, step) always gives the same draws, so a resumed
 * session suggests what the uninterrupted one would have, without storing generator state.
 */
export function streamRandom(seed: number, stream: string, step: number): Random {
  let h = mix32(seed >>> 0);
  for (let i = 0; i < stream.length; i++) h = mix32(h ^ stream.charCodeAt(i));
  return new SeededRandom(mix32(h ^ mix32(step >>> 0)));
}

/** murmur3's 32-bit finaliser: spreads nearby seeds and steps over unrelated generator states. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fisher-Yates with the given generator (used for grid order). */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
