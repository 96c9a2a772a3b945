// etcd store: one JSON value per policy and one per halt, under one key prefix (policies/ and halts/).
// Every write is a transaction that compares mod_revision (update) or create_revision 0 (create), so
// concurrent writers through any replica cannot overwrite each other. A policy's version is its key's
// mod_revision; the rule-set version is the etcd revision; the epoch is the etcd cluster id. Every call
// carries a deadline, so an unreachable etcd turns into HFI_STORE_UNAVAILABLE quickly instead of a hang.

import {
  byHaltSelector,
  type FaultInjectionPolicy,
  type HaltRequest,
  type Selector,
  type StoredHalt,
  type StoredPolicy,
  validateHaltRequest,
  validatePolicy,
} from '@hfi/policy';
import { ConstantBackoff, noop } from 'cockatiel';
import { Etcd3, type IKeyValue, type IResponseHeader, type Watcher } from 'etcd3';
import type { Clock } from '../clock.js';
import { HfiError, isHfiError } from '../errors.js';
import { haltKey, stampHalt } from './halts.js';
import { policyLimit, versionConflict } from './memory.js';
import { byName, isoTime, stampPolicy } from './stamp.js';
import type { PolicyStore, PutOptions, PutResult, ResumeResult, StoreEvent, StoreListener } from './types.js';

export interface EtcdStoreOptions {
  endpoints: string[];
  maxPolicies: number;
  clock: Clock;
  /** Key prefix: policies live at `<root>policies/<name>`, halts at `<root>halts/<service>/<namespace>`. */
  root?: string;
  /** Deadline of every unary call. */
  operationTimeoutMs?: number;
  /** Called on every failed etcd call and every dropped watch (for logs and metrics). */
  onError?: (operation: string, error: unknown) => void;
  /** The watch is back after `failures` failed resync attempts. */
  onRecovered?: (failures: number) => void;
}

const MAX_WRITE_ATTEMPTS = 5;

interface StoredEntry {
  policy: StoredPolicy;
  modRevision: string;
}

interface HaltEntry {
  halt: StoredHalt;
  modRevision: string;
}

interface Snapshot {
  epoch: string;
  revision: number;
  policies: StoredPolicy[];
  halts: StoredHalt[];
}

export class EtcdPolicyStore implements PolicyStore {
  readonly backend = 'etcd' as const;
  private readonly client: Etcd3;
  /** Everything the store keeps is under root: one list and one watch see policies and halts together. */
  private readonly root: string;
  private readonly prefix: string;
  private readonly haltPrefix: string;
  private readonly timeoutMs: number;
  private watcher: Watcher | undefined;
  /** Bumped on every (re)subscription, so that events of an abandoned watcher are ignored. */
  private generation = 0;
  /** Failed resync attempts in a row: sets the retry delay. */
  private resyncFailures = 0;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EtcdStoreOptions) {
    this.root = options.root ?? '/hfi/';
    this.prefix = `${this.root}policies/`;
    this.haltPrefix = `${this.root}halts/`;
    this.timeoutMs = options.operationTimeoutMs ?? 2000;
    this.client = new Etcd3({
      hosts: options.endpoints,
      dialTimeout: this.timeoutMs,
      // Our own bounds and resync replace the library's retries and circuit breaker (which would keep
      // failing writes for seconds after etcd is back).
      faultHandling: { host: () => noop, global: noop, watchBackoff: new ConstantBackoff(500).next() },
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: new Date(options.clock.now() + this.timeoutMs) }),
      grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000, 'grpc.keepalive_permit_without_calls': 1 },
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
    return (await this.getEntry(name))?.policy;
  }

  async put(policy: FaultInjectionPolicy, options: PutOptions): Promise<PutResult> {
    const name = policy.metadata.name;
    const key = this.prefix + name;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const existing = await this.getEntry(name);
      if (options.expectedVersion !== undefined && existing?.policy.metadata.version !== options.expectedVersion) {
        throw versionConflict(name, options.expectedVersion, existing?.policy);
      }
      if (!existing) {
        const count = await this.call('count', () => this.client.getAll().prefix(this.prefix).count());
        if (count >= this.options.maxPolicies) throw policyLimit(this.options.maxPolicies);
      }
      const now = isoTime(options.nowMs);
      const createdAt = existing?.policy.metadata.createdAt ?? now;
      const value = encodeValue(stampPolicy(policy, { version: '', createdAt, updatedAt: now }));
      const guard = existing ? this.client.if(key, 'Mod', '==', existing.modRevision) : this.client.if(key, 'Create', '==', 0);
      const result = await this.call('put', () => guard.then(this.client.put(key).value(value)).commit());
      if (result.succeeded) {
        const version = String(result.header.revision);
        return { policy: stampPolicy(policy, { version, createdAt, updatedAt: now }), created: !existing };
      }
      // Someone else wrote in between: with an expected version that is a conflict, otherwise try again.
      if (options.expectedVersion !== undefined) throw versionConflict(name, options.expectedVersion, (await this.getEntry(name))?.policy);
    }
    throw new HfiError('HFI_VERSION_CONFLICT', `policy "${name}" kept changing during the write; try again`);
  }

  async delete(name: string): Promise<StoredPolicy | undefined> {
    const key = this.prefix + name;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const existing = await this.getEntry(name);
      if (!existing) return undefined;
      const result = await this.call('delete', () =>
        this.client.if(key, 'Mod', '==', existing.modRevision).then(this.client.delete().key(key)).commit(),
      );
      if (result.succeeded) return existing.policy;
    }
    throw new HfiError('HFI_VERSION_CONFLICT', `policy "${name}" kept changing during the delete; try again`);
  }

  async putHalt(request: HaltRequest, options: { nowMs: number }): Promise<{ halt: StoredHalt; created: boolean }> {
    const key = this.haltPrefix + haltKey(request.selector);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const existing = await this.getHaltEntry(request.selector);
      const { version: _version, ...value } = stampHalt(request, existing?.halt, options.nowMs, '');
      const guard = existing ? this.client.if(key, 'Mod', '==', existing.modRevision) : this.client.if(key, 'Create', '==', 0);
      const result = await this.call('halt', () => guard.then(this.client.put(key).value(JSON.stringify(value))).commit());
      if (result.succeeded) return { halt: { ...value, version: String(result.header.revision) }, created: !existing };
    }
    throw new HfiError('HFI_VERSION_CONFLICT', 'the halt kept changing during the write; try again');
  }

  async resume(selector?: Selector): Promise<ResumeResult> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const found = selector ? await this.getHaltEntries(selector) : await this.getHaltEntries();
      if (found.entries.length === 0) return { removed: [], revision: found.revision };
      // One transaction: every halt read is still as read, and all of them go (one revision).
      const [first, ...rest] = found.entries.map((e) => ({ key: this.haltPrefix + haltKey(e.halt.selector), modRevision: e.modRevision }));
      let guard = this.client.if(first!.key, 'Mod', '==', first!.modRevision);
      for (const e of rest) guard = guard.and(e.key, 'Mod', '==', e.modRevision);
      const deletes = [first!, ...rest].map((e) => this.client.delete().key(e.key));
      const result = await this.call('resume', () => guard.then(...deletes).commit());
      if (result.succeeded) return { removed: found.entries.map((e) => e.halt), revision: Number(result.header.revision) };
    }
    throw new HfiError('HFI_VERSION_CONFLICT', 'the halts kept changing during the resume; try again');
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
          .prefix(this.root)
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
      return entry && { kind: 'put', revision, policy: entry.policy };
    }
    if (key.startsWith(this.haltPrefix)) {
      const entry = this.decodeHalt(kv);
      return entry && { kind: 'halt', revision, halt: entry.halt };
    }
    return undefined;
  }

  private deleteEvent(kv: IKeyValue): StoreEvent | undefined {
    const key = kv.key.toString();
    const revision = Number(kv.mod_revision);
    if (key.startsWith(this.prefix)) return { kind: 'delete', revision, name: key.slice(this.prefix.length) };
    const selector = key.startsWith(this.haltPrefix) ? selectorOfKey(key.slice(this.haltPrefix.length)) : undefined;
    return selector && { kind: 'resume', revision, selector };
  }

  /** Policies and halts at one revision: one range over the root. */
  private async listAt(): Promise<Snapshot> {
    const response = await this.call('list', () => this.client.getAll().prefix(this.root).exec());
    const policies: StoredPolicy[] = [];
    const halts: StoredHalt[] = [];
    for (const kv of response.kvs) {
      const key = kv.key.toString();
      if (key.startsWith(this.prefix)) {
        const entry = this.decode(kv);
        if (entry) policies.push(entry.policy);
      } else if (key.startsWith(this.haltPrefix)) {
        const entry = this.decodeHalt(kv);
        if (entry) halts.push(entry.halt);
      }
    }
    policies.sort(byName);
    halts.sort(byHaltSelector);
    return { ...headerPosition(response.header), policies, halts };
  }

  private async getHaltEntry(selector: Selector): Promise<HaltEntry | undefined> {
    return (await this.getHaltEntries(selector)).entries[0];
  }

  /** The halt of one selector, or every halt, with the revision they were read at. */
  private async getHaltEntries(selector?: Selector): Promise<{ entries: HaltEntry[]; revision: number }> {
    const response = await this.call('get', () =>
      selector ? this.client.get(this.haltPrefix + haltKey(selector)).exec() : this.client.getAll().prefix(this.haltPrefix).exec(),
    );
    const entries: HaltEntry[] = [];
    for (const kv of response.kvs) {
      const entry = this.decodeHalt(kv);
      if (entry) entries.push(entry);
    }
    return { entries, revision: Number(response.header.revision) };
  }

  /** A stored halt back to a halt; values that are not valid (written by hand?) are skipped and reported. */
  private decodeHalt(kv: IKeyValue): HaltEntry | undefined {
    const key = kv.key.toString();
    try {
      const { createdAt, ...request } = JSON.parse(kv.value.toString()) as Record<string, unknown>;
      const result = validateHaltRequest(request);
      if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      if (haltKey(result.request.selector) !== key.slice(this.haltPrefix.length)) throw new Error('the selector does not match the key');
      if (typeof createdAt !== 'string') throw new Error('createdAt: expected an ISO-8601 time');
      const version = String(kv.mod_revision);
      return { halt: { ...result.request, createdAt, version }, modRevision: version };
    } catch (error) {
      this.options.onError?.('decode', new Error(`skipping ${key}: ${(error as Error).message}`));
      return undefined;
    }
  }

  private async getEntry(name: string): Promise<StoredEntry | undefined> {
    const response = await this.call('get', () => this.client.get(this.prefix + name).exec());
    const kv = response.kvs[0];
    return kv ? this.decode(kv) : undefined;
  }

  /** A stored value back to a policy; values that are not valid policies (written by hand?) are skipped and reported. */
  private decode(kv: IKeyValue): StoredEntry | undefined {
    const name = kv.key.toString().slice(this.prefix.length);
    try {
      const raw = JSON.parse(kv.value.toString()) as { metadata?: { createdAt?: unknown; updatedAt?: unknown } };
      const result = validatePolicy(raw);
      if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      if (result.policy.metadata.name !== name) throw new Error(`metadata.name "${result.policy.metadata.name}" does not match the key`);
      const createdAt = typeof raw.metadata?.createdAt === 'string' ? raw.metadata.createdAt : '';
      const updatedAt = typeof raw.metadata?.updatedAt === 'string' ? raw.metadata.updatedAt : createdAt;
      const version = String(kv.mod_revision);
      return { policy: stampPolicy(result.policy, { version, createdAt, updatedAt }), modRevision: version };
    } catch (error) {
      this.options.onError?.('decode', new Error(`skipping ${kv.key.toString()}: ${(error as Error).message}`));
      return undefined;
    }
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

/** `<service>/<namespace>` (haltKey) back to a selector. */
function selectorOfKey(key: string): Selector | undefined {
  const [service, namespace, ...rest] = key.split('/');
  return service && namespace && rest.length === 0 ? { service, namespace } : undefined;
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
