// Bayesian optimisation: a Gaussian process over the trials so far, and the candidate of highest expected improvement
// among random draws and local moves around the best trials and the best candidates.
import { type Candidate, candidateKey, type Dimension } from '../encoding/dimensions.js';
import { type Random, streamRandom } from '../random.js';
import { expectedImprovement } from './expected-improvement.js';
import { encodePoint } from './features.js';
import { fitWithHyperparameterSearch, standardise } from './gaussian-process.js';
import type { Observation, Optimiser } from './optimiser.js';
import { freshRandomCandidate, neighbour, randomCandidate } from './sampling.js';

export interface SearchSettings {
  /** Trials drawn at random before the surrogate is trusted. */
  initialTrials: number;
  randomCandidates: number;
  /** Local moves around each of the `localCentres` best trials, then around the best candidates so far. */
  localCentres: number;
  movesPerCentre: number;
  /**
   * Exploration margin of expected improvement, in standard deviations of the observed severities. 0.5, not the
   * textbook 0.01: with less, EI keeps refining a plateau it has found (aborts at 6/10) and misses a cliff elsewhere
   * (delays past a timeout). Measured in docs/adr/0070-recommender-gaussian-process-bo.md.
   */
  xi: number;
}

/** Not a function of the budget: a session resumed with a larger budget must suggest what it would have. */
export function initialRandomTrials(dimensions: readonly Dimension[]): number {
  return dimensions.length + 1;
}

export function bayesianOptimisation(dimensions: readonly Dimension[], seed: number, overrides: Partial<SearchSettings> = {}): Optimiser {
  const settings: SearchSettings = {
    initialTrials: initialRandomTrials(dimensions),
    randomCandidates: 400,
    localCentres: 5,
    movesPerCentre: 24,
    xi: 0.5,
    ...overrides,
  };
  return {
    name: 'bo',
    suggest(history) {
      const random = streamRandom(seed, 'bo', history.length);
      const seen = new Set(history.map((o) => candidateKey(dimensions, o.candidate)));
      if (history.length < settings.initialTrials) return freshRandomCandidate(dimensions, seen, random);
      return maximiseExpectedImprovement(dimensions, history, seen, random, settings);
    },
  };
}

interface Scored {
  candidate: Candidate;
  ei: number;
  std: number;
}

function maximiseExpectedImprovement(
  dimensions: readonly Dimension[],
  history: readonly Observation[],
  seen: ReadonlySet<string>,
  random: Random,
  settings: SearchSettings,
): Candidate {
  const { y } = standardise(history.map((o) => o.severity));
  const model = fitWithHyperparameterSearch(
    history.map((o) => encodePoint(dimensions, o.candidate)),
    y,
  );
  // The incumbent is the best posterior mean at a tried point: with noisy trials, a lucky draw is not the bar.
  const best = Math.max(...model.predict(history.map((o) => encodePoint(dimensions, o.candidate))).map((p) => p.mean));
  const score = (candidates: Candidate[]): Scored[] => {
    const fresh = dedupe(dimensions, candidates, seen);
    const posterior = model.predict(fresh.map((c) => encodePoint(dimensions, c)));
    return fresh.map((candidate, i) => ({
      candidate,
      ei: expectedImprovement(posterior[i]!.mean, posterior[i]!.std, best, settings.xi),
      std: posterior[i]!.std,
    }));
  };
  const ranked = [...history].sort((a, b) => b.severity - a.severity).slice(0, settings.localCentres);
  const first: Candidate[] = Array.from({ length: settings.randomCandidates }, () => randomCandidate(dimensions, random));
  for (const centre of ranked) {
    for (let i = 0; i < settings.movesPerCentre; i++) first.push(neighbour(dimensions, centre.candidate, random));
  }
  const scored = score(first);
  const leaders = [...scored].sort(byAcquisition).slice(0, settings.localCentres);
  const second: Candidate[] = [];
  for (const leader of leaders) {
    for (let i = 0; i < settings.movesPerCentre; i++) second.push(neighbour(dimensions, leader.candidate, random));
  }
  const all = [...scored, ...score(second)].sort(byAcquisition);
  return all[0]?.candidate ?? freshRandomCandidate(dimensions, seen, random);
}

/** Highest expected improvement first; where it vanishes everywhere, the most uncertain candidate. */
function byAcquisition(a: Scored, b: Scored): number {
  return b.ei - a.ei || b.std - a.std;
}

function dedupe(dimensions: readonly Dimension[], candidates: readonly Candidate[], seen: ReadonlySet<string>): Candidate[] {
  const keys = new Set(seen);
  const out: Candidate[] = [];
  for (const candidate of candidates) {
    const key = candidateKey(dimensions, candidate);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(candidate);
  }
  return out;
}
