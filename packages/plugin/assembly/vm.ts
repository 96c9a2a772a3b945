// State shared by every context of one VM (one per Envoy worker): the draw generator, the instance id,
// and the context registry. Seeded lazily from the first root callback, never from _initialize
// (Envoy restricts host calls there).

import { randomU64 } from './abi/host';
import { Xorshift64Star } from './random';

let started = false;
/** Percentage draws. Its seed is the first 8 random bytes this VM asks the host for. */
export let draws: Xorshift64Star = new Xorshift64Star(0);
/** Backoff jitter: a separate generator so retries never shift the sequence of draws. */
export let jitter: Xorshift64Star = new Xorshift64Star(0);
export let vmTag: string = '';

export function startVm(): void {
  if (started) return;
  started = true;
  draws = new Xorshift64Star(randomU64());
  const tag = randomU64();
  jitter = new Xorshift64Star(tag);
  vmTag = (tag & 0xffffffffffff).toString(16);
  while (vmTag.length < 12) vmTag = '0' + vmTag;
}
