// The audit history as both stores keep it: one entry per change, built here the same way for both, and
// the in-process ring of the memory store. The etcd store writes its entries in the change's own
// transaction (store/etcd-audit.ts), so that a change is never without its entry.
import { type AuditEntry, type AuditKind, type StoredTrip, SYSTEM_ACTOR } from '@hfi/api';
import { haltScope, type Selector, type StoredHalt, type StoredPolicy } from '@hfi/policy';
import { isoTime } from './stamp.js';

/** Who made a change and when: written with it. No actor: a change no token made ("system"). */
export interface Change {
  nowMs: number;
  actor?: string;
}

export interface AuditQuery {
  /** This policy's entries, and the halts and resumes that covered it (AuditMatcher). */
  policy?: string;
  /** The policy's selector now, when it exists. */
  selector?: Selector;
  kind?: AuditKind;
  limit: number;
}

export interface AuditRetention {
  /** The newest entries kept. */
  maxEntries: number;
  /** Entries older than this are dropped. */
  maxAgeMs: number;
}

export interface AuditLog {
  /** Newest first: at most `limit` entries matching the query. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Records that a policy ended at `atMs` (its last rule's window closed). Idempotent: whichever replica sees
   * it first writes it, once per policy version.
   */
  recordExpiry(policy: StoredPolicy, atMs: number): Promise<void>;
  /** Drops entries beyond retention (on etcd: only the replica that holds the pruning lease does). */
  prune(nowMs: number): Promise<void>;
}

/** An entry before the store gives it an id and a version. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'version'>;

export function policyRecord(
  kind: 'create' | 'update' | 'delete',
  name: string,
  before: StoredPolicy | null,
  after: StoredPolicy | null,
  change: Change,
): AuditRecord {
  return { at: isoTime(change.nowMs), actor: change.actor ?? SYSTEM_ACTOR, kind, policy: name, before, after };
}

export function haltRecord(kind: 'halt' | 'resume', before: StoredHalt | null, after: StoredHalt | null, change: Change): AuditRecord {
  const selector: Selector = (after ?? before)!.selector;
  return {
    at: isoTime(change.nowMs),
    actor: change.actor ?? SYSTEM_ACTOR,
    kind,
    selector: { service: selector.service, namespace: selector.namespace },
    before,
    after,
  };
}

/** A stop condition stopped a policy (actor "system"), or a person resumed it (`resume`, the trip before). */
export function tripRecord(kind: 'trip' | 'resume', before: StoredTrip | null, after: StoredTrip | null, change: Change): AuditRecord {
  const trip = (after ?? before)!;
  return { at: isoTime(change.nowMs), actor: change.actor ?? SYSTEM_ACTOR, kind, policy: trip.policy, before, after };
}

export function expiryRecord(policy: StoredPolicy, atMs: number): AuditRecord {
  return { at: isoTime(atMs), actor: SYSTEM_ACTOR, kind: 'expire', policy: policy.metadata.name, before: null, after: policy };
}

/** The id of a policy version's expiry: the same on every replica, so that it is written once. */
export function expiryId(policy: StoredPolicy, atMs: number): string {
  return `${sortableTime(atMs)}-expire-${policy.metadata.name}-${policy.metadata.version}`;
}

/** Epoch ms as a fixed-width string, so that ids (and etcd keys) sort by time. */
export function sortableTime(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, '0');
}

/**
 * Which entries a query keeps, fed newest first. With `policy`: the policy's own entries, and the halts and
 * resumes that covered a selector it had at the time: its selector now, then, going back, the one each of
 * its entries says it had before (an update's or a delete's `before`); before its create it had none.
 */
export class AuditMatcher {
  private selectors: Selector[];

  constructor(private readonly query: AuditQuery) {
    this.selectors = query.selector ? [query.selector] : [];
  }

  accepts(entry: AuditEntry): boolean {
    const { policy, kind } = this.query;
    const kindMatches = kind === undefined || entry.kind === kind;
    if (policy === undefined) return kindMatches;
    if (entry.policy === policy) {
      // Trips and resumes of a stopped policy leave its selector as it was.
      if (entry.kind === 'trip' || entry.kind === 'resume') return kindMatches;
      const earlier = entry.kind === 'expire' ? entry.after : entry.before;
      this.selectors = earlier && 'spec' in earlier ? [earlier.spec.selector] : [];
      return kindMatches;
    }
    const halt = entry.selector;
    if (!kindMatches || halt === undefined || (entry.kind !== 'halt' && entry.kind !== 'resume')) return false;
    return this.selectors.some((selector) => haltScope({ selector: halt }, selector) !== 'none');
  }
}

/** The memory store's history: a ring of the newest `maxEntries`, lost with the process. */
export class AuditRing implements AuditLog {
  private readonly ring: AuditEntry[] = [];
  /** Index of the oldest entry once the ring is full. */
  private start = 0;
  private readonly expiries = new Set<string>();

  constructor(private readonly retention: AuditRetention) {}

  append(record: AuditRecord, id: string, version?: string): void {
    const entry: AuditEntry = { id, ...record, ...(version !== undefined ? { version } : {}) };
    if (this.ring.length < this.retention.maxEntries) {
      this.ring.push(entry);
      return;
    }
    const dropped = this.ring[this.start]!;
    if (dropped.kind === 'expire') this.expiries.delete(dropped.id);
    this.ring[this.start] = entry;
    this.start = (this.start + 1) % this.ring.length;
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    const matcher = new AuditMatcher(query);
    for (let i = this.ring.length - 1; i >= 0 && found.length < query.limit; i--) {
      const entry = this.ring[(this.start + i) % this.ring.length]!;
      if (matcher.accepts(entry)) found.push(entry);
    }
    return found;
  }

  async recordExpiry(policy: StoredPolicy, atMs: number): Promise<void> {
    const id = expiryId(policy, atMs);
    if (this.expiries.has(id)) return;
    this.expiries.add(id);
    this.append(expiryRecord(policy, atMs), id);
  }

  async prune(nowMs: number): Promise<void> {
    const cutoff = nowMs - this.retention.maxAgeMs;
    let old = 0;
    while (old < this.ring.length && Date.parse(this.ring[(this.start + old) % this.ring.length]!.at) < cutoff) old++;
    if (old === 0) return;
    // Oldest first again, without the old ones.
    const ordered = [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
    for (const entry of ordered.slice(0, old)) if (entry.kind === 'expire') this.expiries.delete(entry.id);
    this.ring.splice(0, this.ring.length, ...ordered.slice(old));
    this.start = 0;
  }
}
