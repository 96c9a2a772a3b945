// The store: the only place policies and halts are kept. Implementations: memory (default), etcd.
// Versions are store revisions: a policy's metadata.version is the revision of its latest write,
// and the rule-set version is the revision of the latest change seen.
import type { FaultInjectionPolicy, HaltRequest, Selector, StoredHalt, StoredPolicy } from '@hfi/policy';

export interface PutOptions {
  /** Optimistic concurrency: the write happens only if the stored version equals this (absent policy: never). */
  expectedVersion?: string;
  /** Epoch ms of the write: becomes metadata.updatedAt (and createdAt on create). */
  nowMs: number;
}

export interface PutResult {
  policy: StoredPolicy;
  created: boolean;
}

/** What removing halts did: the halts removed, and the store revision after it (unchanged when none was). */
export interface ResumeResult {
  removed: StoredHalt[];
  revision: number;
}

/**
 * One change, in store order. `reset` replaces everything (initial load and every resynchronisation).
 * Several events may share a revision (one transaction removing every halt).
 */
export type StoreEvent =
  | { kind: 'reset'; epoch: string; revision: number; policies: StoredPolicy[]; halts: StoredHalt[] }
  | { kind: 'put'; revision: number; policy: StoredPolicy }
  | { kind: 'delete'; revision: number; name: string }
  | { kind: 'halt'; revision: number; halt: StoredHalt }
  | { kind: 'resume'; revision: number; selector: Selector };

export type StoreListener = (event: StoreEvent) => void;

export interface PolicyStore {
  readonly backend: 'memory' | 'etcd';
  /** Every policy, sorted by name. */
  list(): Promise<StoredPolicy[]>;
  get(name: string): Promise<StoredPolicy | undefined>;
  /** Atomic create-or-update. Throws HfiError HFI_VERSION_CONFLICT, HFI_POLICY_LIMIT or HFI_STORE_UNAVAILABLE. */
  put(policy: FaultInjectionPolicy, options: PutOptions): Promise<PutResult>;
  /** The deleted policy, or undefined when there was none. */
  delete(name: string): Promise<StoredPolicy | undefined>;
  /** Every halt, by selector. */
  listHalts(): Promise<StoredHalt[]>;
  /** Halts one selector (one halt per selector): a new halt, or the reason and actor of the existing one updated. */
  putHalt(request: HaltRequest, options: { nowMs: number }): Promise<{ halt: StoredHalt; created: boolean }>;
  /** Removes the halt of one selector, or every halt (no selector), in one atomic write. */
  resume(selector?: Selector): Promise<ResumeResult>;
  /**
   * Delivers a `reset` with the current contents, then every change in order (again a `reset` after any
   * resynchronisation). Resolves once the first `reset` was delivered, or once the first attempt failed
   * (the store keeps retrying in the background).
   */
  watch(listener: StoreListener): Promise<void>;
  /** Resolves when the store answers a cheap request; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
