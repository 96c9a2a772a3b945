// Workload outcomes whichever replica answers (docs/outcomes.md "Several replicas"): each replica publishes on
// the replica board (etcd, bound to its lease) about every second the last SHARED_SECONDS seconds of its
// rings and the instances it heard from lately, and copies the others'. A second is final once it has
// passed, so a copy set from any publication of it is exact; a replica that misses more than SHARED_SECONDS
// of rounds misses those seconds of the others. Copies age out with the longest window; a replica whose
// summary is gone (stopped, lease lost) counts no data planes any more, its seconds still count.

import type { Clock } from '../clock.js';
import { PeriodicRound } from '../periodic-round.js';
import type { ReplicaBoard } from '../store/types.js';
import { OutcomeRing, VECTOR_LENGTH } from './outcome-buckets.js';
import { secondOf, type WorkloadOutcomes } from './workload-outcomes.js';

const TOPIC = 'outcomes';
const SHARE_INTERVAL_MS = 1000;
/** Seconds each publication repeats: a reader that missed fewer rounds than this lost nothing. */
const SHARED_SECONDS = 15;

interface Summary {
  /** workload key -> epoch second -> counts vector. */
  seconds: Record<string, Record<string, number[]>>;
  /** workload key -> instances heard from lately. */
  instances: Record<string, string[]>;
}

interface ReplicaCopy {
  rings: Map<string, OutcomeRing>;
  instances: Map<string, Set<string>>;
}

export class SharedOutcomes {
  private readonly copies = new Map<string, ReplicaCopy>();
  private readonly rounds = new PeriodicRound(() => this.shareOnce());
  private publishedEmpty = false;

  constructor(
    private readonly local: WorkloadOutcomes,
    private readonly board: ReplicaBoard,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Every other replica's copy (those whose summary is gone keep their seconds, without instances). */
  replicas(): Iterable<ReplicaCopy> {
    return this.copies.values();
  }

  start(intervalMs = SHARE_INTERVAL_MS): void {
    this.rounds.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }

  /** One round: publish this replica's recent seconds, then copy every other replica's. */
  share(): Promise<void> {
    return this.rounds.run();
  }

  private async shareOnce(): Promise<void> {
    try {
      await this.publish();
      const { live } = await this.board.read(TOPIC);
      const second = secondOf(this.clock.now());
      for (const [replica, text] of live) this.apply(replica, text);
      for (const [replica, copy] of this.copies) {
        if (!live.has(replica)) copy.instances.clear();
        for (const [key, ring] of copy.rings) if (ring.prune(second)) copy.rings.delete(key);
        if (copy.rings.size === 0 && copy.instances.size === 0) this.copies.delete(replica);
      }
    } catch (error) {
      this.onError(error);
    }
  }

  private async publish(): Promise<void> {
    const now = secondOf(this.clock.now());
    const summary: Summary = { seconds: {}, instances: {} };
    let empty = true;
    for (const [key, ring] of this.local.rings) {
      const recent: Record<string, number[]> = {};
      for (const [second, counts] of ring.seconds) {
        if (second > now - SHARED_SECONDS) {
          recent[String(second)] = Array.from(counts);
          empty = false;
        }
      }
      summary.seconds[key] = recent;
    }
    for (const [key, instances] of this.local.liveInstances()) {
      summary.instances[key] = [...instances];
      empty = false;
    }
    if (empty && this.publishedEmpty) return;
    await this.board.publish(TOPIC, JSON.stringify(summary));
    this.publishedEmpty = empty;
  }

  private apply(replica: string, text: string): void {
    let summary: Partial<Summary>;
    try {
      summary = JSON.parse(text) as Partial<Summary>;
    } catch {
      this.onError(new Error(`the outcome summary of replica ${replica} is not JSON: left out`));
      return;
    }
    let copy = this.copies.get(replica);
    if (!copy) this.copies.set(replica, (copy = { rings: new Map(), instances: new Map() }));
    copy.instances.clear();
    for (const [key, list] of Object.entries(summary.instances ?? {})) {
      if (Array.isArray(list)) copy.instances.set(key, new Set(list.filter((i): i is string => typeof i === 'string')));
    }
    for (const [key, seconds] of Object.entries(summary.seconds ?? {})) {
      if (typeof seconds !== 'object' || seconds === null) continue;
      let ring = copy.rings.get(key);
      for (const [second, counts] of Object.entries(seconds)) {
        if (!Array.isArray(counts) || counts.length !== VECTOR_LENGTH || !counts.every(Number.isFinite)) continue;
        if (!ring) copy.rings.set(key, (ring = new OutcomeRing()));
        ring.set(Number(second), Float64Array.from(counts));
      }
    }
  }
}
