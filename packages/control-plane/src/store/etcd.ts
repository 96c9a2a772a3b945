// etcd store: one JSON value per policy and one per halt, under one root (policies/ and halts/), and the
// built DFA tables beside them (dfa/). Every write is a transaction that compares mod_revision (update) or
// create_revision 0 (create), so concurrent writers through any replica cannot overwrite each other. A
// policy's version is its key's mod_revision; the rule-set version is the etcd revision; the epoch is the
// etcd cluster id. Every call carries a deadline, so an unreachable etcd turns into HFI_STORE_UNAVAILABLE
// quickly instead of a hang.

import type { StoredTrip } from '@hfi/api';
import {
  byHaltSelector,
  type FaultInjectionPolicy,
  type HaltRequest,
  LIMITS,
  type Selector,
  type StoredHalt,
  type StoredPolicy,
  validateHaltRequest,
  validatePolicy,
} from '@hfi/policy';
import { ConstantBackoff, noop } from 'cockatiel';
import { Etcd3, type IKeyValue, type IResponseHeader, Range, type Watcher } from 'etcd3';
import type { Clock, RandomHex } from '../clock.js';
import { HfiError, isHfiError } from '../errors.js';
import { type AuditRetention, type Change, haltRecord, policyRecord, tripRecord } from './audit.js';
import { EtcdAuditLog } from './etcd-audit.js';
import { EtcdDfaTables } from './etcd-dfa-tables.js';
import { ReplicaLease } from './etcd-lease.js';
import { readRange } from './etcd-range.js';
import { EtcdReplicaBoard } from './etcd-replica-board.js';
import { haltKey, stampHalt } from './halts.js';
import { policyLimit, versionConflict } from './memory.js';
import { byName, isoTime, stampPolicy } from './stamp.js';
import { decodeTrip, encodeTrip } from './trips.js';
import type {
  DfaTableStore,
  PolicyStore,
  PutOptions,
  PutResult,
  ResumeResult,
  SkippedKey,
  StoreEvent,
  StoreListener,
  TripRequest,
} from './types.js';

export interface EtcdStoreOptions {
  endpoints: string[];
  maxPolicies: number;
  clock: Clock;
  randomHex: RandomHex;
  audit: AuditRetention;
  /**
   * Key prefix: policies live at `<root>policies/<name>`, halts at `<root>halts/<service>/<namespace>`, trips
   * (policies a stop condition stopped) at `<root>policies-stopped/<name>`,
   * built DFA tables at `<root>dfa/v1/<sha256>`, audit entries at `<root>audit/<time>-<replica>-<n>`, keys
   * bound to a replica's lease under `<root>replicas/`.
   */
  root?: string;
  /** Deadline of every unary call. */
  operationTimeoutMs?: number;
  /** Called on every failed etcd call and every dropped watch (for logs and metrics). */
  onError?: (operation: string, error: unknown) => void;
  /** The watch is back after `failures` failed resync attempts. */
  onRecovered?: (failures: number) => void;
  /** Keys per page of the initial list and of table reads (tests make it small). */
  pageKeys?: number;
  /** The gRPC client's cap on one answer (tests make it small). */
  receiveMaxBytes?: number;
}

const MAX_WRITE_ATTEMPTS = 5;
/**
 * Halts lifted per transaction: each costs a delete and an audit put, and etcd's default --max-txn-ops is
 * 128. More halts than this are resumed in several transactions, one after the other.
 */
const RESUME_BATCH = 60;
/** How long a replica's lease outlives its last keepalive: its keys (its jobs) pass on after that. */
const REPLICA_LEASE_SECONDS = 10;

/** What a policy key holds: a policy, or a value every replica skips. */
type StoredEntry = { policy: StoredPolicy; modRevision: string } | { skipped: SkippedKey; modRevision: string };
/** What a halt key holds: a halt, or a value every replica skips. */
type HaltEntry = { halt: StoredHalt; modRevision: string } | { skipped: SkippedKey; modRevision: string };

interface Snapshot {
  epoch: string;
  revision: number;
  policies: StoredPolicy[];
  halts: StoredHalt[];
  trips: StoredTrip[];
  skipped: SkippedKey[];
}

/** Bump when a table built from the same pattern could differ (a change to the regex compiler). */
const TABLE_FORMAT = 'v1';
/** Keys per page of a prefix read (store/etcd-range.ts). */
const PAGE_KEYS = 200;
/**
 * gRPC's cap on one answer (its default, 4 MiB, is what one list of 10,000 policies exceeded): a page of the
 * largest policies, with room for keys and framing. A table is smaller than a policy can be.
 */
const RECEIVE_MAX_BYTES = PAGE_KEYS * (LIMITS.policyBytes + 4096);

export class EtcdPolicyStore implements PolicyStore {
  readonly backend = 'etcd' as const;
  readonly tables: DfaTableStore;
  readonly audit: EtcdAuditLog;
  readonly replicas: EtcdReplicaBoard;
  /** This replica's lease (keys that go with it). */
  private readonly lease: ReplicaLease;
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly haltPrefix: string;
  private readonly tripPrefix: string;
  /**
   * What one list and one watch read, so that policies and halts come in one revision order: from halts/ to
   * the end of policies/ (they sort in that order). The tables, at dfa/, sort before it and are not watched:
   * a replica storing 20,000 of them would otherwise send them to every other replica's watch.
   */
  private readonly watched: Range;
  private readonly timeoutMs: number;
  private readonly pageKeys: number;
  private watcher: Watcher | undefined;
  /** Bumped on every (re)subscription, so that events of an abandoned watcher are ignored. */
  private generation = 0;
  /** Failed resync attempts in a row: sets the retry delay. */
  private resyncFailures = 0;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EtcdStoreOptions) {
    const root = options.root ?? '/hfi/';
    this.prefix = `${root}policies/`;
    this.haltPrefix = `${root}halts/`;
    // Sorts between halts/ and policies/ ('-' before '/'), so that the one watched range holds trips too.
    this.tripPrefix = `${root}policies-stopped/`;
    this.watched = new Range(this.haltPrefix, Range.prefix(this.prefix).end);
    this.timeoutMs = options.operationTimeoutMs ?? 2000;
    this.pageKeys = options.pageKeys ?? PAGE_KEYS;
    this.tables = new EtcdDfaTables(() => this.client, {
      prefix: `${root}dfa/${TABLE_FORMAT}/`,
      pageKeys: this.pageKeys,
      // The tables report their own errors: a table not read or not stored is only rebuilt.
      call: (run) => withTimeout(run(), this.timeoutMs + 500, 'tables'),
      onError: (operation, error) => this.options.onError?.(operation, error),
    });
    this.lease = new ReplicaLease(() => this.client, options.randomHex(4), REPLICA_LEASE_SECONDS);
    this.replicas = new EtcdReplicaBoard(
      () => this.client,
      this.lease,
      `${root}replicas/`,
      (operation, run) => this.call(operation, run),
    );
    this.audit = new EtcdAuditLog(() => this.client, {
      prefix: `${root}audit/`,
      prunerKey: `${root}replicas/roles/audit-pruner`,
      retention: options.audit,
      lease: this.lease,
      pageKeys: this.pageKeys,
      call: (operation, run) => this.call(operation, run),
      onError: (operation, error) => this.options.onError?.(operation, error),
    });
    this.client = new Etcd3({
      hosts: options.endpoints,
      dialTimeout: this.timeoutMs,
      // Our own bounds and resync replace the library's retries and circuit breaker (which would keep
      // failing writes for seconds after etcd is back).
      faultHandling: { host: () => noop, global: noop, watchBackoff: new ConstantBackoff(500).next() },
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: new Date(options.clock.now() + this.timeoutMs) }),
      grpcOptions: {
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5_000,
        'grpc.keepalive_permit_without_calls': 1,
        'grpc.max_receive_message_length': options.receiveMaxBytes ?? RECEIVE_MAX_BYTES,
      },
    });
  }

  async list(): Promise<StoredPolicy[]> {
    const { policies } = await this.listAt();
    return policies;
  }

  async listHalts(): Promise<StoredHalt[]> {
    const { halts } = await this.listAt();
    return halts;
  }

  async get(name: string): Promise<StoredPolicy | undefined> {
    return policyOf(await this.getEntry(name));
  }

  async put(policy: FaultInjectionPolicy, options: PutOptions): Promise<PutResult> {
    const name = policy.metadata.name;
    const key = this.prefix + name;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const entry = await this.getEntry(name);
      const existing = policyOf(entry);
      if (options.expectedVersion !== undefined && existing?.metadata.version !== options.expectedVersion) {
        throw versionConflict(name, options.expectedVersion, existing);
      }
      // A key holding a skipped value counts already; writing over it is a create (it held no policy).
      if (!entry) {
        const count = await this.call('count', () => this.client.getAll().prefix(this.prefix).count());
        if (count >= this.options.maxPolicies) throw policyLimit(this.options.maxPolicies);
      }
      const now = isoTime(options.nowMs);
      const createdAt = existing?.metadata.createdAt ?? now;
      const written = stampPolicy(policy, { version: '', createdAt, updatedAt: now });
      const value = encodeValue(written);
      const guard = entry ? this.client.if(key, 'Mod', '==', entry.modRevision) : this.client.if(key, 'Create', '==', 0);
      const audit = this.audit.entryPut(
        policyRecord(existing ? 'update' : 'create', name, existing ?? null, written, options),
        options.nowMs,
      );
      const result = await this.call('put', () => guard.then(this.client.put(key).value(value), audit).commit());
      if (result.succeeded) {
        const version = String(result.header.revision);
        return { policy: stampPolicy(policy, { version, createdAt, updatedAt: now }), created: !existing };
      }
      // Someone else wrote in between: with an expected version that is a conflict, otherwise try again.
      if (options.expectedVersion !== undefined) throw versionConflict(name, options.expectedVersion, policyOf(await this.getEntry(name)));
    }
    throw new HfiError('HFI_VERSION_CONFLICT', `policy "${name}" kept changing during the write; try again`);
  }

  async delete(name: string, change: Change): Promise<StoredPolicy | SkippedKey | undefined> {
    const key = this.prefix + name;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const existing = await this.getEntry(name);
      if (!existing) return undefined;
      const audit = this.audit.entryPut(policyRecord('delete', name, policyOf(existing) ?? null, null, change), change.nowMs);
      // Its trip, if any, goes with it.
      const trip = this.client.delete().key(this.tripPrefix + name);
      const result = await this.call('delete', () =>
        this.client.if(key, 'Mod', '==', existing.modRevision).then(this.client.delete().key(key), trip, audit).commit(),
      );
      if (result.succeeded) return 'policy' in existing ? existing.policy : existing.skipped;
    }
    throw new HfiError('HFI_VERSION_CONFLICT', `policy "${name}" kept changing during the delete; try again`);
  }

  async putHalt(request: HaltRequest, change: Change): Promise<{ halt: StoredHalt; created: boolean }> {
    const key = this.haltPrefix + haltKey(request.selector);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const entry = (await this.getHaltEntries(request.selector)).entries[0];
      // A key holding a skipped value is written over: that is how it is repaired (it held no halt).
      const existing = entry && 'halt' in entry ? entry.halt : undefined;
      const written = stampHalt(request, existing, change.nowMs, '');
      const { version: _version, ...value } = written;
      const guard = entry ? this.client.if(key, 'Mod', '==', entry.modRevision) : this.client.if(key, 'Create', '==', 0);
      const audit = this.audit.entryPut(haltRecord('halt', existing ?? null, written, change), change.nowMs);
      const result = await this.call('halt', () => guard.then(this.client.put(key).value(JSON.stringify(value)), audit).commit());
      if (result.succeeded) return { halt: { ...value, version: String(result.header.revision) }, created: !existing };
    }
    throw new HfiError('HFI_VERSION_CONFLICT', 'the halt kept changing during the write; try again');
  }

  async resume(selector: Selector | undefined, change: Change): Promise<ResumeResult> {
    const done: ResumeResult = { removed: [], skipped: [], revision: 0 };
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; ) {
      const found = await this.getHaltEntries(selector);
      if (found.entries.length === 0) return done.revision ? done : { ...done, revision: found.revision };
      const batch = found.entries.slice(0, RESUME_BATCH);
      const revision = await this.deleteHaltEntries(batch, change);
      if (revision === undefined) {
        attempt++;
        continue;
      }
      done.removed.push(...batch.flatMap((e) => ('halt' in e ? [e.halt] : [])));
      done.skipped.push(...batch.flatMap((e) => ('skipped' in e ? [e.skipped] : [])));
      done.revision = revision;
      if (batch.length === found.entries.length) return done;
    }
    throw new HfiError('HFI_VERSION_CONFLICT', 'the halts kept changing during the resume; try again');
  }

  /** One transaction: every key still as read, and all of them go (one revision), skipped values too. */
  private async deleteHaltEntries(entries: HaltEntry[], change: Change): Promise<number | undefined> {
    const keys = entries.map((e) => ({ key: 'halt' in e ? this.haltPrefix + haltKey(e.halt.selector) : e.skipped.key, ...e }));
    const [first, ...rest] = keys;
    let guard = this.client.if(first!.key, 'Mod', '==', first!.modRevision);
    for (const e of rest) guard = guard.and(e.key, 'Mod', '==', e.modRevision);
    const deletes = keys.map((e) => this.client.delete().key(e.key));
    const audits = entries.flatMap((e) =>
      'halt' in e ? [this.audit.entryPut(haltRecord('resume', e.halt, null, change), change.nowMs)] : [],
    );
    const result = await this.call('resume', () => guard.then(...deletes, ...audits).commit());
    return result.succeeded ? Number(result.header.revision) : undefined;
  }

  async putTrip(request: TripRequest, change: Change): Promise<StoredTrip | undefined> {
    const key = this.tripPrefix + request.policy;
    const policyKey = this.prefix + request.policy;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const [trip, policy] = await this.call('get', () => Promise.all([this.client.get(key).exec(), this.client.get(policyKey).exec()]));
      const kv = trip.kvs[0];
      // The policy changed (or went) since the evaluator read it, or another replica stopped this version already.
      if (String(policy.kvs[0]?.mod_revision) !== request.policyVersion) return undefined;
      if (kv && this.tripVersionOf(kv) === request.policyVersion) return undefined;
      // Written only while both are as read: concurrent trips of the same version are written once.
      const guard = (kv ? this.client.if(key, 'Mod', '==', kv.mod_revision) : this.client.if(key, 'Create', '==', 0)).and(
        policyKey,
        'Mod',
        '==',
        request.policyVersion,
      );
      const audit = this.audit.entryPut(tripRecord('trip', null, { ...request, version: '' }, change), change.nowMs);
      const result = await this.call('trip', () => guard.then(this.client.put(key).value(encodeTrip(request)), audit).commit());
      if (result.succeeded) return { ...request, version: String(result.header.revision) };
    }
    return undefined;
  }

  async deleteTrip(name: string, change: Change): Promise<{ trip: StoredTrip | undefined; revision: number } | undefined> {
    const key = this.tripPrefix + name;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const kv = (await this.call('get', () => this.client.get(key).exec())).kvs[0];
      if (!kv) return undefined;
      const trip = this.decodeTripEntry(kv);
      const audits = trip ? [this.audit.entryPut(tripRecord('resume', trip, null, change), change.nowMs)] : [];
      const result = await this.call('resume', () =>
        this.client
          .if(key, 'Mod', '==', kv.mod_revision)
          .then(this.client.delete().key(key), ...audits)
          .commit(),
      );
      if (result.succeeded) return { trip, revision: Number(result.header.revision) };
    }
    throw new HfiError('HFI_VERSION_CONFLICT', `the stop of policy "${name}" kept changing during the resume; try again`);
  }

  async watch(listener: StoreListener): Promise<void> {
    await this.resync(listener);
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.client.maintenance.status());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher) await watcher.cancel().catch(() => undefined);
    await withTimeout(this.lease.close(), this.timeoutMs, 'revoke').catch(() => undefined);
    this.client.close();
  }

  // -------------------------------------------------------------------------------------------
  // Watch: list at a revision, then watch from revision+1. Any loss of the watch starts over, so no
  // change is ever missed (a full re-list is cheap next to a silently stale rule set).

  private async resync(listener: StoreListener): Promise<void> {
    if (this.closed) return;
    const generation = ++this.generation;
    const previous = this.watcher;
    this.watcher = undefined;
    if (previous) void previous.cancel().catch(() => undefined);
    try {
      const snapshot = await this.listAt();
      if (generation !== this.generation) return;
      const watcher = await withTimeout(
        this.client
          .watch()
          .inRange(this.watched)
          .startRevision(String(snapshot.revision + 1))
          .create(),
        this.timeoutMs * 2,
        'watch',
      );
      if (generation !== this.generation) {
        void watcher.cancel().catch(() => undefined);
        return;
      }
      this.watcher = watcher;
      if (this.resyncFailures > 0) this.options.onRecovered?.(this.resyncFailures);
      this.resyncFailures = 0;
      listener({ kind: 'reset', ...snapshot });
      const lost = (error: unknown): void => {
        if (generation !== this.generation) return;
        this.options.onError?.('watch', error);
        this.scheduleResync(listener);
      };
      watcher.on('put', (kv) => {
        if (generation !== this.generation) return;
        const event = this.putEvent(kv);
        if (event) listener(event);
      });
      watcher.on('delete', (kv) => {
        if (generation !== this.generation) return;
        const event = this.deleteEvent(kv);
        if (event) listener(event);
      });
      watcher.on('disconnected', lost);
      watcher.on('error', lost);
      watcher.on('end', () => lost(new Error('watch ended')));
    } catch (error) {
      if (generation !== this.generation) return;
      this.resyncFailures++;
      this.options.onError?.('resync', error);
      this.scheduleResync(listener);
    }
  }

  private scheduleResync(listener: StoreListener): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.generation++; // stop listening to the lost watcher at once
    // 300 ms after a lost watch, then doubling up to 5 s while etcd stays away.
    const delayMs = Math.min(300 * 2 ** Math.max(0, this.resyncFailures - 1), 5_000);
    this.retryTimer = setTimeout(() => void this.resync(listener), delayMs);
    this.retryTimer.unref();
  }

  // -------------------------------------------------------------------------------------------

  /** A watched key's new value as a store event; keys outside policies/ and halts/ are not ours. */
  private putEvent(kv: IKeyValue): StoreEvent | undefined {
    const key = kv.key.toString();
    const revision = Number(kv.mod_revision);
    if (key.startsWith(this.prefix)) {
      const entry = this.decode(kv);
      return 'policy' in entry ? { kind: 'put', revision, policy: entry.policy } : { kind: 'skip', revision, skipped: entry.skipped };
    }
    if (key.startsWith(this.haltPrefix)) {
      const entry = this.decodeHalt(kv);
      return 'halt' in entry ? { kind: 'halt', revision, halt: entry.halt } : { kind: 'skip', revision, skipped: entry.skipped };
    }
    if (key.startsWith(this.tripPrefix)) {
      const trip = this.decodeTripEntry(kv);
      // A value that is no trip stops nothing: as if the key were gone.
      return trip ? { kind: 'trip', revision, trip } : { kind: 'untrip', revision, policy: key.slice(this.tripPrefix.length) };
    }
    return undefined;
  }

  private deleteEvent(kv: IKeyValue): StoreEvent | undefined {
    const key = kv.key.toString();
    const revision = Number(kv.mod_revision);
    if (key.startsWith(this.prefix)) return { kind: 'delete', revision, name: key.slice(this.prefix.length) };
    if (key.startsWith(this.haltPrefix)) return { kind: 'resume', revision, haltKey: key.slice(this.haltPrefix.length) };
    if (key.startsWith(this.tripPrefix)) return { kind: 'untrip', revision, policy: key.slice(this.tripPrefix.length) };
    return undefined;
  }

  /** Policies and halts at one revision: the watched range, read in pages (store/etcd-range.ts). */
  private async listAt(): Promise<Snapshot> {
    const response = await readRange(this.client, this.watched, { pageKeys: this.pageKeys, call: (run) => this.call('list', run) });
    const policies: StoredPolicy[] = [];
    const halts: StoredHalt[] = [];
    const trips: StoredTrip[] = [];
    const skipped: SkippedKey[] = [];
    for (const kv of response.kvs) {
      const key = kv.key.toString();
      if (key.startsWith(this.prefix)) {
        const entry = this.decode(kv);
        if ('policy' in entry) policies.push(entry.policy);
        else skipped.push(entry.skipped);
      } else if (key.startsWith(this.haltPrefix)) {
        const entry = this.decodeHalt(kv);
        if ('halt' in entry) halts.push(entry.halt);
        else skipped.push(entry.skipped);
      } else if (key.startsWith(this.tripPrefix)) {
        const trip = this.decodeTripEntry(kv);
        if (trip) trips.push(trip);
      }
    }
    policies.sort(byName);
    halts.sort(byHaltSelector);
    return { ...headerPosition(response.header), policies, halts, trips, skipped };
  }

  private async getEntry(name: string): Promise<StoredEntry | undefined> {
    const response = await this.call('get', () => this.client.get(this.prefix + name).exec());
    const kv = response.kvs[0];
    return kv ? this.decode(kv) : undefined;
  }

  /** The halt of one selector, or every halt key, with the revision they were read at. */
  private async getHaltEntries(selector?: Selector): Promise<{ entries: HaltEntry[]; revision: number }> {
    const response = await this.call('get', () =>
      selector ? this.client.get(this.haltPrefix + haltKey(selector)).exec() : this.client.getAll().prefix(this.haltPrefix).exec(),
    );
    return { entries: response.kvs.map((kv) => this.decodeHalt(kv)), revision: Number(response.header.revision) };
  }

  /**
   * A stored value back to a policy. A value that is not a valid policy (written by hand?) is skipped, the same
   * way in every code path (list, watch, resync, get), so every replica ends with the same view.
   */
  private decode(kv: IKeyValue): StoredEntry {
    const name = kv.key.toString().slice(this.prefix.length);
    try {
      const raw = JSON.parse(kv.value.toString()) as { metadata?: { createdAt?: unknown; updatedAt?: unknown } };
      // Regexes are not built here (on the event loop): the hub builds them on the worker pool before compiling.
      const result = validatePolicy(raw, { checkRegex: () => ({ ok: true }) });
      if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      if (result.policy.metadata.name !== name) throw new Error(`metadata.name "${result.policy.metadata.name}" does not match the key`);
      const createdAt = typeof raw.metadata?.createdAt === 'string' ? raw.metadata.createdAt : '';
      const updatedAt = typeof raw.metadata?.updatedAt === 'string' ? raw.metadata.updatedAt : createdAt;
      const version = String(kv.mod_revision);
      return { policy: stampPolicy(result.policy, { version, createdAt, updatedAt }), modRevision: version };
    } catch (error) {
      return { skipped: this.skip(kv, 'policy', name, error), modRevision: String(kv.mod_revision) };
    }
  }

  /** A stored halt back to a halt; a value that is not a valid halt is skipped like a policy's (decode). */
  private decodeHalt(kv: IKeyValue): HaltEntry {
    const name = kv.key.toString().slice(this.haltPrefix.length);
    try {
      const { createdAt, ...request } = JSON.parse(kv.value.toString()) as Record<string, unknown>;
      const result = validateHaltRequest(request);
      if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      if (haltKey(result.request.selector) !== name) throw new Error('the selector does not match the key');
      if (typeof createdAt !== 'string') throw new Error('createdAt: expected an ISO-8601 time');
      const version = String(kv.mod_revision);
      return { halt: { ...result.request, createdAt, version }, modRevision: version };
    } catch (error) {
      return { skipped: this.skip(kv, 'halt', name, error), modRevision: String(kv.mod_revision) };
    }
  }

  /** A stored trip, or undefined (reported) when the value is not one: it then stops nothing. */
  private decodeTripEntry(kv: IKeyValue): StoredTrip | undefined {
    const key = kv.key.toString();
    try {
      return decodeTrip(kv.value.toString(), key.slice(this.tripPrefix.length), String(kv.mod_revision));
    } catch (error) {
      this.options.onError?.('decode', new Error(`ignoring ${key}: the value is not a valid trip: ${(error as Error).message}`));
      return undefined;
    }
  }

  /** The policy version a stored trip stops (undefined when the value is not a trip). */
  private tripVersionOf(kv: IKeyValue): string | undefined {
    return this.decodeTripEntry(kv)?.policyVersion;
  }

  private skip(kv: IKeyValue, kind: SkippedKey['kind'], name: string, error: unknown): SkippedKey {
    const key = kv.key.toString();
    const reason = `the value is not a valid ${kind}: ${(error as Error).message}`;
    this.options.onError?.('decode', new Error(`skipping ${key}: ${reason}`));
    return { key, kind, name, reason: reason.slice(0, 500) };
  }

  /** Runs one etcd call; anything that is not one of our own errors becomes HFI_STORE_UNAVAILABLE. */
  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (this.closed) throw new HfiError('HFI_STORE_UNAVAILABLE', 'the store is closed');
    try {
      return await withTimeout(run(), this.timeoutMs + 500, operation);
    } catch (error) {
      if (isHfiError(error)) throw error;
      this.options.onError?.(operation, error);
      throw new HfiError('HFI_STORE_UNAVAILABLE', `etcd did not answer (${operation}): ${(error as Error).message}`);
    }
  }
}

function policyOf(entry: StoredEntry | undefined): StoredPolicy | undefined {
  return entry && 'policy' in entry ? entry.policy : undefined;
}

function headerPosition(header: IResponseHeader): { epoch: string; revision: number } {
  return { epoch: String(header.cluster_id), revision: Number(header.revision) };
}

/** The version is the key's mod_revision, so it is not stored in the value. */
function encodeValue(policy: StoredPolicy): string {
  const { version: _version, ...metadata } = policy.metadata;
  return JSON.stringify({ ...policy, metadata });
}

/** A second bound over the gRPC deadline, for calls that wait for a connection first. */
function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${operation} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
