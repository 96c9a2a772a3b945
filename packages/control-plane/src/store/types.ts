// The store: the only place policies and halts are kept. Implementations: memory (default), etcd.
// Versions are store revisions: a policy's metadata.version is the revision of its latest write,
// and the rule-set version is the revision of the latest change seen.
import type { StoredTrip } from '@hfi/api';
import type { FaultInjectionPolicy, HaltRequest, RegexResult, Selector, StoredHalt, StoredPolicy } from '@hfi/policy';
import type { AuditLog, Change } from './audit.js';

export interface PutOptions extends Change {
  /** Optimistic concurrency: the write happens only if the stored version equals this (absent policy: never). */
  expectedVersion?: string;
  /** Epoch ms of the write: becomes metadata.updatedAt (and createdAt on create). */
  nowMs: number;
}

/* Every write records its audit entry (store/audit.ts) with it: `Change` says who and when. */

/** A trip as the stop-condition evaluator writes it (store/trips.ts): the store gives it its version. */
export type TripRequest = Omit<StoredTrip, 'version'>;

export interface PutResult {
  policy: StoredPolicy;
  created: boolean;
}

/** What removing halts did: the halts removed, and the store revision after it (unchanged when none was). */
export interface ResumeResult {
  removed: StoredHalt[];
  /** Halt keys removed whose values were skipped (not valid halts): removing them is their repair. */
  skipped: SkippedKey[];
  revision: number;
}

/**
 * A key whose value is not a valid policy or halt (written around the API, or by another version): every
 * replica skips it alike, as if the key held nothing, and lists it in /ready.
 */
export interface SkippedKey {
  key: string;
  kind: 'policy' | 'halt';
  /**
   * The key after its prefix. A policy's name: `DELETE /v1/policies/<name>` removes it, a create overwrites it.
   * A halt's `<service>/<namespace>`: resuming that selector (or every halt) removes it, halting it overwrites it.
   */
  name: string;
  reason: string;
}

/**
 * One change, in store order. `reset` replaces everything (initial load and every resynchronisation).
 * Several events may share a revision (one transaction removing every halt).
 */
export type StoreEvent =
  | {
      kind: 'reset';
      epoch: string;
      revision: number;
      policies: StoredPolicy[];
      halts: StoredHalt[];
      trips?: StoredTrip[];
      skipped?: SkippedKey[];
    }
  | { kind: 'put'; revision: number; policy: StoredPolicy }
  | { kind: 'delete'; revision: number; name: string }
  | { kind: 'halt'; revision: number; halt: StoredHalt }
  /** `haltKey`: the removed halt's `<service>/<namespace>` (store/halts.ts haltKey). */
  | { kind: 'resume'; revision: number; haltKey: string }
  | { kind: 'skip'; revision: number; skipped: SkippedKey }
  /** A stop condition stopped a policy version; `untrip`: that trip was removed (resumed, or the policy deleted). */
  | { kind: 'trip'; revision: number; trip: StoredTrip }
  | { kind: 'untrip'; revision: number; policy: string };

export type StoreListener = (event: StoreEvent) => void;

/**
 * Built regex tables kept beside the policies (etcd), content-addressed by pattern, so that a replica starting
 * on a full store reads them instead of building them. A cache: anything missing or unreadable is rebuilt.
 */
export interface DfaTableStore {
  /** The stored tables among `sources` (those not found are left out; errors leave them all out). */
  getTables(sources: readonly string[]): Promise<Map<string, RegexResult>>;
  putTables(results: ReadonlyMap<string, RegexResult>): Promise<void>;
  deleteTables(sources: readonly string[]): Promise<void>;
}

/**
 * Per-replica summaries: each replica publishes its own summary of a topic (kept while it lives) and reads
 * the other live replicas' latest; a replica that stops hands its summary on to the topic's retired one.
 */
export interface ReplicaBoard {
  readonly replicaId: string;
  publish(topic: string, summary: string): Promise<void>;
  /** The other live replicas' summaries of `topic`, and the retired summary, read at one revision. */
  read(topic: string): Promise<ReplicaSummaries>;
  /**
   * Replaces the retired summary with `merge(retired)` and removes this replica's own, atomically: what it
   * counted is in one of them at every moment.
   */
  retire(topic: string, merge: (retired: string | undefined) => string): Promise<void>;
}

export interface ReplicaSummaries {
  /** By replica id, this replica's own left out. */
  live: Map<string, string>;
  retired: string | undefined;
}

export interface PolicyStore {
  readonly backend: 'memory' | 'etcd';
  /** Where built regex tables are kept, when the store keeps them. */
  readonly tables?: DfaTableStore;
  /** The history of changes, shared by every replica of the store. */
  readonly audit: AuditLog;
  /** Where replicas share what each alone knows (etcd); absent when there is one process (memory). */
  readonly replicas?: ReplicaBoard;
  /** Every policy, sorted by name. */
  list(): Promise<StoredPolicy[]>;
  get(name: string): Promise<StoredPolicy | undefined>;
  /** Atomic create-or-update. Throws HfiError HFI_VERSION_CONFLICT, HFI_POLICY_LIMIT or HFI_STORE_UNAVAILABLE. */
  put(policy: FaultInjectionPolicy, options: PutOptions): Promise<PutResult>;
  /** The deleted policy (or the skipped value that the key held), or undefined when there was none. */
  delete(name: string, change: Change): Promise<StoredPolicy | SkippedKey | undefined>;
  /** Every halt, by selector. */
  listHalts(): Promise<StoredHalt[]>;
  /** Halts one selector (one halt per selector): a new halt, or the reason and actor of the existing one updated. */
  putHalt(request: HaltRequest, change: Change): Promise<{ halt: StoredHalt; created: boolean }>;
  /** Removes the halt of one selector, or every halt (no selector), in one atomic write. */
  resume(selector: Selector | undefined, change: Change): Promise<ResumeResult>;
  /**
   * Stores a trip: the policy stops (its rules leave the rule set) until it is written anew or resumed. Written
   * only while the policy is still at `trip.policyVersion` and no trip of that version is stored, so that
   * replicas tripping it at once write it once (one audit entry); undefined when it was not written.
   */
  putTrip(trip: TripRequest, change: Change): Promise<StoredTrip | undefined>;
  /** Removes a policy's trip (a resume): the removed trip and the revision of the removal, or undefined when there was none. */
  deleteTrip(name: string, change: Change): Promise<{ trip: StoredTrip | undefined; revision: number } | undefined>;
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
