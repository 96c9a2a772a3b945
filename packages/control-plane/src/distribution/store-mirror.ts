// What the store holds, as its watch reported it: policies by name, halts, the epoch and the revision
// reached. API reads are answered from here, so they keep working while the store is unreachable.
import type { StoredTrip } from '@hfi/api';
import { byHaltSelector, type StoredHalt, type StoredPolicy } from '@hfi/policy';
import type { Clock } from '../clock.js';
import { haltKey } from '../store/halts.js';
import { byName } from '../store/stamp.js';
import type { SkippedKey, StoreEvent } from '../store/types.js';

/** What one store event changed: everything (a reset), one policy (or its trip), or the halts. */
export type MirrorChange = { kind: 'reset'; epochChanged: boolean } | { kind: 'policy'; name: string } | { kind: 'halts' };

type KeyEvent = Exclude<StoreEvent, { kind: 'reset' | 'trip' | 'untrip' }>;

export class StoreMirror {
  private readonly policyMap = new Map<string, StoredPolicy>();
  /** Keys whose values every replica skips, by kind and name (skipId). */
  private readonly skippedMap = new Map<string, SkippedKey>();
  private sortedPolicies: StoredPolicy[] | undefined;
  private readonly haltMap = new Map<string, StoredHalt>();
  private sortedHalts: StoredHalt[] | undefined;
  /** Trips by policy name, whatever version they stop (tripOf answers the current version's only). */
  private readonly tripMap = new Map<string, StoredTrip>();
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
      this.haltMap.clear();
      for (const h of event.halts) this.haltMap.set(haltKey(h.selector), h);
      this.tripMap.clear();
      for (const t of event.trips ?? []) this.tripMap.set(t.policy, t);
      this.skippedMap.clear();
      for (const k of event.skipped ?? []) this.skippedMap.set(skipId(k.kind, k.name), k);
      // A resync may land on the revision already held; it still replaces the contents.
      this.revisionValue = Math.max(this.revisionValue, event.revision);
    } else if (event.kind === 'trip' || event.kind === 'untrip') {
      this.revisionValue = event.revision;
      const name = event.kind === 'trip' ? event.trip.policy : event.policy;
      if (event.kind === 'trip') this.tripMap.set(name, event.trip);
      else this.tripMap.delete(name);
      change = { kind: 'policy', name };
    } else {
      this.revisionValue = event.revision;
      change = this.applyChange(event);
    }
    const newlySkipped = [...this.skippedMap].filter(([id, k]) => before.get(id)?.reason !== k.reason).map(([, k]) => k);
    this.sortedPolicies = undefined;
    this.sortedHalts = undefined;
    this.lastChangeAtMs = this.clock.now();
    return { ...change, newlySkipped };
  }

  /** One key changed: it now holds a policy or a halt, nothing, or a value that does not decode (the same on every replica). */
  private applyChange(event: KeyEvent): MirrorChange {
    const [kind, name] = keyOf(event);
    this.skippedMap.delete(skipId(kind, name));
    if (kind === 'policy') this.policyMap.delete(name);
    else this.haltMap.delete(name);
    if (event.kind === 'put') this.policyMap.set(name, event.policy);
    else if (event.kind === 'halt') this.haltMap.set(name, event.halt);
    else if (event.kind === 'skip') this.skippedMap.set(skipId(kind, name), event.skipped);
    return kind === 'policy' ? { kind: 'policy', name } : { kind: 'halts' };
  }

  /** Keys skipped because their values are not valid policies or halts, sorted by key. */
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

  /** The trip that stops the policy's current version, if any (a trip of an earlier version stops nothing). */
  tripOf(name: string): StoredTrip | undefined {
    const trip = this.tripMap.get(name);
    return trip && trip.policyVersion === this.policyMap.get(name)?.metadata.version ? trip : undefined;
  }

  /** Whether some policy's current version is stopped (assembly leaves those out). */
  hasTrips(): boolean {
    for (const name of this.tripMap.keys()) if (this.tripOf(name)) return true;
    return false;
  }

  /** Active halts by selector; the same array until the next change. */
  halts(): StoredHalt[] {
    this.sortedHalts ??= [...this.haltMap.values()].sort(byHaltSelector);
    return this.sortedHalts;
  }
}

/** Which key an event is about: a policy by name, or a halt by `<service>/<namespace>`. */
function keyOf(event: KeyEvent): [SkippedKey['kind'], string] {
  switch (event.kind) {
    case 'put':
      return ['policy', event.policy.metadata.name];
    case 'delete':
      return ['policy', event.name];
    case 'halt':
      return ['halt', haltKey(event.halt.selector)];
    case 'resume':
      return ['halt', event.haltKey];
    case 'skip':
      return [event.skipped.kind, event.skipped.name];
  }
}

function skipId(kind: SkippedKey['kind'], name: string): string {
  return `${kind}:${name}`;
}
