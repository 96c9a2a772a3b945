// Random search: the baseline every smarter strategy has to beat.
import type { Dimension } from '../encoding/dimensions.js';
import { candidateKey } from '../encoding/dimensions.js';
import { streamRandom } from '../random.js';
import type { Observation, Optimiser } from './optimiser.js';
import { freshRandomCandidate } from './sampling.js';

export function randomSearch(dimensions: readonly Dimension[], seed: number): Optimiser {
  return {
    name: 'random',
    suggest(history: readonly Observation[]) {
      const seen = new Set(history.map((o) => candidateKey(dimensions, o.candidate)));
      return freshRandomCandidate(dimensions, seen, streamRandom(seed, 'random', history.length));
    },
  };
}
