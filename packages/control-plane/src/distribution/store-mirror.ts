// What the store holds, as its watch reported it: policies by name, the epoch and the revision reached.
// API reads are answered from here, so they keep working while the store is unreachable.
import type { StoredPolicy } from '@hfi/policy';
import type { Clock } from '../clock.js';
import { byName } from '../store/stamp.js';
import type { SkippedKey, StoreEvent } from '../store/types.js';

/** What one store event changed: everything (a reset), or one policy. */
export type MirrorChange = { kind: 'reset'; epochChanged: boolean } | { kind: 'policy'; name: string };

export class StoreMirror {
  private readonly policyMap = new Map<string, StoredPolicy>();
  /** Keys whose values every replica skips, by policy name. */
  private readonly skippedMap = new Map<string, SkippedKey>();
  private sortedPolicies: StoredPolicy[] | undefined;
  private epochValue: string | undefined;
  private revisionValue = 0;
  private lastChangeAtMs = 0;

  constructor(private readonly clock: Clock) {}

  /** Applies one event; `newlySkipped` lists the keys it made skipped that were not before (to be reported). */
  apply(event: StoreEvent): MirrorChange & { newlySkipped: SkippedKey[] } {
    let change: MirrorChange;
    const before = new Map(this.skippedMap);
    if (event.kind === 'reset') {
      change = { kind: 'reset', epochChanged: event.epoch !== this.epochValue };
      this.epochValue = event.epoch;
      this.policyMap.clear();
      for (const p of event.policies) this.policyMap.set(p.metadata.name, p);
      this.skippedMap.clear();
      for (const k of event.skipped ?? []) this.skippedMap.set(k.name, k);
      // A resync may land on the revision already held; it still replaces the contents.
      this.revisionValue = Math.max(this.revisionValue, event.revision);
    } else {
      this.revisionValue = event.revision;
      const name = event.kind === 'put' ? event.policy.metadata.name : event.kind === 'skip' ? event.skipped.name : event.name;
      this.skippedMap.delete(name);
      if (event.kind === 'put') this.policyMap.set(name, event.policy);
      else this.policyMap.delete(name);
      // A key that now holds a value that does not decode holds no policy: the same on every replica.
      if (event.kind === 'skip') this.skippedMap.set(name, event.skipped);
      change = { kind: 'policy', name };
    }
    const newlySkipped = [...this.skippedMap.values()].filter((k) => before.get(k.name)?.reason !== k.reason);
    this.sortedPolicies = undefined;
    this.lastChangeAtMs = this.clock.now();
    return { ...change, newlySkipped };
  }

  /** Keys skipped because their values are not valid policies, sorted by key. */
  skipped(): SkippedKey[] {
    return [...this.skippedMap.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get epoch(): string | undefined {
    return this.epochValue;
  }

  get revision(): number {
    return this.revisionValue;
  }

  /** Epoch ms at which the latest change reached the mirror. */
  get changedAtMs(): number {
    return this.lastChangeAtMs;
  }

  /** By name, in the order the store reported them (for assembly). */
  get byName(): ReadonlyMap<string, StoredPolicy> {
    return this.policyMap;
  }

  /** Sorted by name; the same array until the next change. */
  policies(): StoredPolicy[] {
    this.sortedPolicies ??= [...this.policyMap.values()].sort(byName);
    return this.sortedPolicies;
  }

  policy(name: string): StoredPolicy | undefined {
    return this.policyMap.get(name);
  }
}
