// In-process store: version = a counter, epoch = random per process. Writes are synchronous, so
// every operation is atomic by construction. Everything is lost when the process ends.

import type { StoredTrip } from '@hfi/api';
import {
  byHaltSelector,
  type FaultInjectionPolicy,
  type HaltRequest,
  type Selector,
  type StoredHalt,
  type StoredPolicy,
} from '@hfi/policy';
import type { RandomHex } from '../clock.js';
import { HfiError } from '../errors.js';
import { type AuditRetention, AuditRing, type Change, haltRecord, policyRecord, sortableTime, tripRecord } from './audit.js';
import { haltKey, stampHalt } from './halts.js';
import { byName, isoTime, stampPolicy } from './stamp.js';
import type { PolicyStore, PutOptions, PutResult, ResumeResult, StoreListener, TripRequest } from './types.js';

export interface MemoryStoreOptions {
  maxPolicies: number;
  randomHex: RandomHex;
  audit: AuditRetention;
}

export class MemoryPolicyStore implements PolicyStore {
  readonly backend = 'memory' as const;
  private readonly policies = new Map<string, StoredPolicy>();
  private readonly halts = new Map<string, StoredHalt>();
  /** By policy name. */
  private readonly trips = new Map<string, StoredTrip>();
  private readonly listeners = new Set<StoreListener>();
  private readonly epoch: string;
  private revision = 0;
  private closed = false;
  readonly audit: AuditRing;

  constructor(private readonly options: MemoryStoreOptions) {
    this.epoch = options.randomHex(4);
    this.audit = new AuditRing(options.audit);
  }

  async list(): Promise<StoredPolicy[]> {
    return [...this.policies.values()].sort(byName);
  }

  async get(name: string): Promise<StoredPolicy | undefined> {
    return this.policies.get(name);
  }

  async put(policy: FaultInjectionPolicy, options: PutOptions): Promise<PutResult> {
    this.assertOpen();
    const name = policy.metadata.name;
    const existing = this.policies.get(name);
    if (options.expectedVersion !== undefined && existing?.metadata.version !== options.expectedVersion) {
      throw versionConflict(name, options.expectedVersion, existing);
    }
    if (!existing && this.policies.size >= this.options.maxPolicies) throw policyLimit(this.options.maxPolicies);
    const revision = ++this.revision;
    const now = isoTime(options.nowMs);
    const stored = deepFreeze(
      stampPolicy(structuredClone(policy), { version: String(revision), createdAt: existing?.metadata.createdAt ?? now, updatedAt: now }),
    );
    this.policies.set(name, stored);
    this.record(policyRecord(existing ? 'update' : 'create', name, existing ?? null, stored, options), options.nowMs, revision);
    this.emit({ kind: 'put', revision, policy: stored });
    return { policy: stored, created: !existing };
  }

  async delete(name: string, change: Change): Promise<StoredPolicy | undefined> {
    this.assertOpen();
    const existing = this.policies.get(name);
    if (!existing) return undefined;
    this.policies.delete(name);
    const revision = ++this.revision;
    this.record(policyRecord('delete', name, existing, null, change), change.nowMs, revision);
    this.emit({ kind: 'delete', revision, name });
    // Its trip goes with it (as on etcd, in the same write).
    if (this.trips.delete(name)) this.emit({ kind: 'untrip', revision, policy: name });
    return existing;
  }

  async listHalts(): Promise<StoredHalt[]> {
    return [...this.halts.values()].sort(byHaltSelector);
  }

  async putHalt(request: HaltRequest, change: Change): Promise<{ halt: StoredHalt; created: boolean }> {
    this.assertOpen();
    const key = haltKey(request.selector);
    const existing = this.halts.get(key);
    const revision = ++this.revision;
    const halt = deepFreeze(stampHalt(structuredClone(request), existing, change.nowMs, String(revision)));
    this.halts.set(key, halt);
    this.record(haltRecord('halt', existing ?? null, halt, change), change.nowMs, revision);
    this.emit({ kind: 'halt', revision, halt });
    return { halt, created: !existing };
  }

  async resume(selector: Selector | undefined, change: Change): Promise<ResumeResult> {
    this.assertOpen();
    const removed = selector ? [this.halts.get(haltKey(selector))].filter((h) => h !== undefined) : await this.listHalts();
    if (removed.length === 0) return { removed, skipped: [], revision: this.revision };
    const revision = ++this.revision;
    for (const halt of removed) {
      const key = haltKey(halt.selector);
      this.halts.delete(key);
      this.record(haltRecord('resume', halt, null, change), change.nowMs, revision);
      this.emit({ kind: 'resume', revision, haltKey: key });
    }
    return { removed, skipped: [], revision };
  }

  async putTrip(request: TripRequest, change: Change): Promise<StoredTrip | undefined> {
    this.assertOpen();
    const current = this.policies.get(request.policy);
    if (current?.metadata.version !== request.policyVersion) return undefined;
    const existing = this.trips.get(request.policy);
    if (existing?.policyVersion === request.policyVersion) return undefined;
    const revision = ++this.revision;
    const trip = deepFreeze({ ...structuredClone(request), version: String(revision) });
    this.trips.set(trip.policy, trip);
    this.record(tripRecord('trip', null, trip, change), change.nowMs, revision);
    this.emit({ kind: 'trip', revision, trip });
    return trip;
  }

  async deleteTrip(name: string, change: Change): Promise<{ trip: StoredTrip; revision: number } | undefined> {
    this.assertOpen();
    const existing = this.trips.get(name);
    if (!existing) return undefined;
    this.trips.delete(name);
    const revision = ++this.revision;
    this.record(tripRecord('resume', existing, null, change), change.nowMs, revision);
    this.emit({ kind: 'untrip', revision, policy: name });
    return { trip: existing, revision };
  }

  async watch(listener: StoreListener): Promise<void> {
    this.listeners.add(listener);
    const trips = [...this.trips.values()];
    listener({
      kind: 'reset',
      epoch: this.epoch,
      revision: this.revision,
      policies: await this.list(),
      halts: await this.listHalts(),
      trips,
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  private auditCount = 0;

  private record(record: Parameters<AuditRing['append']>[0], nowMs: number, revision: number): void {
    this.audit.append(record, `${sortableTime(nowMs)}-${String(++this.auditCount).padStart(10, '0')}`, String(revision));
  }

  private assertOpen(): void {
    if (this.closed) throw new HfiError('HFI_STORE_UNAVAILABLE', 'the store is closed');
  }

  private emit(event: Parameters<StoreListener>[0]): void {
    for (const listener of this.listeners) listener(event);
  }
}

export function versionConflict(name: string, expected: string, existing: StoredPolicy | undefined): HfiError {
  const current = existing ? `the current version is ${existing.metadata.version}` : `policy "${name}" does not exist`;
  return new HfiError('HFI_VERSION_CONFLICT', `metadata.version ${expected} is not current: ${current}`, [
    { path: 'metadata.version', message: current },
  ]);
}

export function policyLimit(max: number): HfiError {
  return new HfiError('HFI_POLICY_LIMIT', `the store already holds the maximum of ${max} policies (MAX_POLICIES)`, [
    { path: 'metadata.name', message: `at most ${max} policies may be stored; delete one first` },
  ]);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
