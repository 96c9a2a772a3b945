// Data planes known from their polls: who they are and what they hold (what they counted is in
// ../telemetry/fault-ledger.ts). Instances not seen for `forgetAfterMs` are forgotten (pods come and go).
import type { DataPlane } from '@hfi/api';
import type { Clock } from '../clock.js';
import { identityKey, podKey } from '../identity-key.js';
import type { DataPlanePoll } from './poll-request.js';

/** A data plane as the API lists it, but for its counters (the fault ledger's). */
export type DataPlaneRecord = Omit<DataPlane, 'counters'>;

interface Entry {
  poll: DataPlaneView;
  lastSeenMs: number;
  held: number;
}

/** What status computations need, without formatting. */
export interface DataPlaneView {
  instance: string;
  identity: DataPlanePoll['identity'];
  epoch: string;
  version: number;
  /** podKey and identityKey of this plane, built when its identity changes rather than at every status read. */
  podKey: string;
  identityKey: string;
}

export class DataPlaneRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Grows on every change, so that derived views can be cached. */
  private generationValue = 0;
  /** No entry was seen before this (a lower bound), so nothing can be forgotten until it is old enough. */
  private earliestSeenMs = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly forgetAfterMs = 5 * 60_000,
    /** At most `maxEntries` instances are kept (MAX_DATA_PLANES): beyond, the least recently seen is forgotten. */
    private readonly bound: { maxEntries?: number; onEvicted?: (instance: string) => void } = {},
  ) {}

  get generation(): number {
    return this.generationValue;
  }

  /** Unsorted, unformatted views of the known data planes. */
  views(): DataPlaneView[] {
    this.forgetStale();
    return [...this.entries.values()].map((e) => e.poll);
  }

  record(poll: DataPlanePoll): void {
    const existing = this.entries.get(poll.instance);
    const now = this.clock.now();
    const { instance, identity, epoch, version } = poll;
    // Map order is recency order: re-inserting moves an instance last, so the first is the least recently seen.
    if (existing) {
      this.entries.delete(instance);
      this.entries.set(instance, existing);
      existing.lastSeenMs = now;
      const view = existing.poll;
      if (!sameIdentity(view.identity, identity)) existing.poll = viewOf(instance, identity, epoch, version);
      else if (view.epoch !== epoch || view.version !== version) existing.poll = { ...view, epoch, version };
      // A poll like the last one (the steady state of every held poll): nothing a status reads changed.
      else return;
    } else {
      this.evictBeyond((this.bound.maxEntries ?? Number.POSITIVE_INFINITY) - 1);
      this.entries.set(instance, { poll: viewOf(instance, identity, epoch, version), lastSeenMs: now, held: 0 });
      this.earliestSeenMs = Math.min(this.earliestSeenMs, now);
    }
    this.generationValue++;
  }

  /** The data plane now holds what it was just sent. */
  delivered(instance: string, held: { epoch: string; version: number }): void {
    const entry = this.entries.get(instance);
    if (entry) {
      entry.poll = { ...entry.poll, epoch: held.epoch, version: held.version };
      this.generationValue++;
    }
  }

  /**
   * A poll of `instance` is now held (+1) or answered (-1). Holding follows the poll's record(), which made it
   * the most recently seen already; an answer makes it so again.
   */
  holding(instance: string, delta: 1 | -1): void {
    const entry = this.entries.get(instance);
    if (!entry) return;
    entry.held = Math.max(0, entry.held + delta);
    if (delta === 1) return;
    entry.lastSeenMs = this.clock.now();
    this.entries.delete(instance);
    this.entries.set(instance, entry);
  }

  /** Forgets the least recently seen instances until at most `size` remain (their polls are still answered). */
  private evictBeyond(size: number): void {
    for (const instance of this.entries.keys()) {
      if (this.entries.size <= size) return;
      this.entries.delete(instance);
      this.generationValue++;
      this.bound.onEvicted?.(instance);
    }
  }

  list(): DataPlaneRecord[] {
    this.forgetStale();
    return [...this.entries.values()]
      .map(({ poll, lastSeenMs, held }) => ({
        instance: poll.instance,
        identity: poll.identity,
        epoch: poll.epoch,
        version: poll.version,
        lastSeen: new Date(lastSeenMs).toISOString(),
        connected: held > 0,
      }))
      .sort((a, b) => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0));
  }

  size(): number {
    this.forgetStale();
    return this.entries.size;
  }

  /** Forgets instances not seen for `forgetAfterMs` (cheap when none can be: called on every status read). */
  forgetStale(): void {
    const cutoff = this.clock.now() - this.forgetAfterMs;
    if (cutoff <= this.earliestSeenMs) return;
    let earliest = Infinity;
    for (const [instance, entry] of this.entries) {
      if (entry.held === 0 && entry.lastSeenMs < cutoff) {
        this.entries.delete(instance);
        this.generationValue++;
      } else earliest = Math.min(earliest, entry.lastSeenMs);
    }
    this.earliestSeenMs = earliest;
  }
}

function viewOf(instance: string, identity: DataPlanePoll['identity'], epoch: string, version: number): DataPlaneView {
  return { instance, identity, epoch, version, podKey: podKey({ instance, identity }), identityKey: identityKey(identity) };
}

function sameIdentity(a: DataPlanePoll['identity'], b: DataPlanePoll['identity']): boolean {
  return a.service === b.service && a.namespace === b.namespace && a.pod === b.pod;
}
