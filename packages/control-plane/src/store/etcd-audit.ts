// The audit history on etcd: one key per entry under `<root>audit/`, named so that keys sort by time, written
// in the same transaction as the change it records (the etcd store adds `entryPut` to its transactions), so
// a change is never without its entry and the entry's mod_revision is the change's revision. Shared by every
// replica and kept across restarts; retention by count and age, pruned by the one replica holding the
// pruning key (bound to its lease).
import { type AuditEntry, AuditEntry as AuditEntrySchema, COMPONENT_SCHEMAS, compileChecker } from '@hfi/api';
import type { StoredPolicy } from '@hfi/policy';
import { type Etcd3, type IKeyValue, type PutBuilder, Range } from 'etcd3';
import {
  type AuditLog,
  AuditMatcher,
  type AuditQuery,
  type AuditRecord,
  type AuditRetention,
  expiryId,
  expiryRecord,
  sortableTime,
} from './audit.js';
import type { ReplicaLease } from './etcd-lease.js';

export interface EtcdAuditOptions {
  /** `<root>audit/`. */
  prefix: string;
  /** The key whose holder prunes. */
  prunerKey: string;
  retention: AuditRetention;
  lease: ReplicaLease;
  pageKeys: number;
  /** Runs one etcd call (the store's deadline and error handling). */
  call: <T>(operation: string, run: () => Promise<T>) => Promise<T>;
  onError: (operation: string, error: unknown) => void;
}

const entryChecker = compileChecker(AuditEntrySchema, [...COMPONENT_SCHEMAS]);

export class EtcdAuditLog implements AuditLog {
  private written = 0;
  /** An entry holds up to two policies (before, after): half the store's page keeps a page within the receive cap. */
  private readonly pageKeys: number;

  constructor(
    private readonly client: () => Etcd3,
    private readonly o: EtcdAuditOptions,
  ) {
    this.pageKeys = Math.max(1, Math.floor(o.pageKeys / 2));
  }

  /** The put that records `record`, for the change's own transaction. */
  entryPut(record: AuditRecord, nowMs: number): PutBuilder {
    const id = `${sortableTime(nowMs)}-${this.o.lease.replicaId}-${String(++this.written).padStart(10, '0')}`;
    return this.client()
      .put(this.o.prefix + id)
      .value(JSON.stringify(record));
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    const matcher = new AuditMatcher(query);
    const start = Range.prefix(this.o.prefix).start;
    let end = Range.prefix(this.o.prefix).end;
    // Newest first, a page at a time, until enough entries match or none are left.
    while (found.length < query.limit) {
      const page = await this.o.call('audit', () =>
        this.client().getAll().inRange(new Range(start, end)).sort('Key', 'Descend').limit(this.pageKeys).exec(),
      );
      for (const kv of page.kvs) {
        const entry = this.decode(kv);
        if (entry && matcher.accepts(entry)) found.push(entry);
        if (found.length === query.limit) break;
      }
      const last = page.kvs.at(-1);
      if (!page.more || !last) break;
      end = last.key;
    }
    return found;
  }

  async recordExpiry(policy: StoredPolicy, atMs: number): Promise<void> {
    const key = this.o.prefix + expiryId(policy, atMs);
    const client = this.client();
    await this.o.call('audit', () =>
      client
        .if(key, 'Create', '==', 0)
        .then(client.put(key).value(JSON.stringify(expiryRecord(policy, atMs))))
        .commit(),
    );
  }

  async prune(nowMs: number): Promise<void> {
    if (!(await this.o.call('audit', () => this.o.lease.holds(this.o.prunerKey)))) return;
    const client = this.client();
    const start = Range.prefix(this.o.prefix).start;
    const cutoff = this.o.prefix + sortableTime(nowMs - this.o.retention.maxAgeMs);
    await this.o.call('audit', () => client.delete().inRange(new Range(start, cutoff)).exec());
    const count = await this.o.call('audit', () => client.getAll().prefix(this.o.prefix).count());
    const excess = count - this.o.retention.maxEntries;
    if (excess <= 0) return;
    const oldest = await this.o.call('audit', () => client.getAll().prefix(this.o.prefix).sort('Key', 'Ascend').limit(excess).keys());
    const last = oldest.at(-1);
    if (last === undefined) return;
    await this.o.call('audit', () =>
      client
        .delete()
        .inRange(new Range(start, `${last}\0`))
        .exec(),
    );
  }

  /**
   * A stored entry back to what the API answers: its id is the key, and the version of the change (and of
   * the policy or halt written) the key's mod_revision. A value that is not an entry is skipped and reported.
   */
  private decode(kv: IKeyValue): AuditEntry | undefined {
    const key = kv.key.toString();
    try {
      const record = JSON.parse(kv.value.toString()) as AuditRecord;
      const id = key.slice(this.o.prefix.length);
      const entry = record.kind === 'expire' ? { id, ...record } : withVersion({ id, ...record }, String(kv.mod_revision));
      if (!entryChecker.check(entry)) throw new Error(entryChecker.errors(entry)[0]?.message ?? 'not an audit entry');
      return entry;
    } catch (error) {
      this.o.onError('audit', new Error(`skipping audit entry ${key}: ${(error as Error).message}`));
      return undefined;
    }
  }
}

function withVersion(entry: Omit<AuditEntry, 'version'>, version: string): AuditEntry {
  const after = entry.after;
  if (after === null) return { ...entry, version };
  if ('metadata' in after) return { ...entry, version, after: { ...after, metadata: { ...after.metadata, version } } };
  return { ...entry, version, after: { ...after, version } };
}
