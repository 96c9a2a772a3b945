// What the store holds, as its watch reported it: policies by name, halts, the epoch and the revision
// reached. API reads are answered from here, so they keep working while the store is unreachable.
import { byHaltSelector, type StoredHalt, type StoredPolicy } from '@hfi/policy';
import type { Clock } from '../clock.js';
import { haltKey } from '../store/halts.js';
import { byName } from '../store/stamp.js';
import type { StoreEvent } from '../store/types.js';

/** What one store event changed: everything (a reset), one policy, or the halts. */
export type MirrorChange = { kind: 'reset'; epochChanged: boolean } | { kind: 'policy'; name: string } | { kind: 'halts' };

export class StoreMirror {
  private readonly policyMap = new Map<string, StoredPolicy>();
  private sortedPolicies: StoredPolicy[] | undefined;
  private readonly haltMap = new Map<string, StoredHalt>();
  private sortedHalts: StoredHalt[] | undefined;
  private epochValue: string | undefined;
  private revisionValue = 0;
  private lastChangeAtMs = 0;

  constructor(private readonly clock: Clock) {}

  apply(event: StoreEvent): MirrorChange {
    let change: MirrorChange;
    if (event.kind === 'reset') {
      change = { kind: 'reset', epochChanged: event.epoch !== this.epochValue };
      this.epochValue = event.epoch;
      this.policyMap.clear();
      for (const p of event.policies) this.policyMap.set(p.metadata.name, p);
      this.haltMap.clear();
      for (const h of event.halts) this.haltMap.set(haltKey(h.selector), h);
      // A resync may land on the revision already held; it still replaces the contents.
      this.revisionValue = Math.max(this.revisionValue, event.revision);
    } else if (event.kind === 'halt' || event.kind === 'resume') {
      this.revisionValue = event.revision;
      if (event.kind === 'halt') this.haltMap.set(haltKey(event.halt.selector), event.halt);
      else this.haltMap.delete(haltKey(event.selector));
      change = { kind: 'halts' };
    } else {
      this.revisionValue = event.revision;
      const name = event.kind === 'put' ? event.policy.metadata.name : event.name;
      if (event.kind === 'put') this.policyMap.set(name, event.policy);
      else this.policyMap.delete(name);
      change = { kind: 'policy', name };
    }
    this.sortedPolicies = undefined;
    this.sortedHalts = undefined;
    this.lastChangeAtMs = this.clock.now();
    return change;
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

  /** Active halts by selector; the same array until the next change. */
  halts(): StoredHalt[] {
    this.sortedHalts ??= [...this.haltMap.values()].sort(byHaltSelector);
    return this.sortedHalts;
  }
}
