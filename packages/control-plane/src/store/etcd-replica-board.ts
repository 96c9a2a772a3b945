// Per-replica summaries on etcd: each replica writes its own summary of a topic at
// `<root>replicas/<topic>/<replica id>`, bound to its lease (gone with the replica), and reads the others'.
// What one replica alone knows (the fault counters its data planes reported) becomes what every replica answers.
// A replica that stops hands its summary to the topic's `retired` key (no lease) in the same transaction
// that deletes its own key.
import { type Etcd3, Range } from 'etcd3';
import type { ReplicaLease } from './etcd-lease.js';
import type { ReplicaBoard, ReplicaSummaries } from './types.js';

/** Not a replica id (those are hex). */
const RETIRED = 'retired';
const MAX_RETIRE_ATTEMPTS = 5;

export class EtcdReplicaBoard implements ReplicaBoard {
  constructor(
    private readonly client: () => Etcd3,
    private readonly lease: ReplicaLease,
    /** `<root>replicas/`. */
    private readonly prefix: string,
    /** Runs one etcd call (the store's deadline and error handling). */
    private readonly call: <T>(operation: string, run: () => Promise<T>) => Promise<T>,
  ) {}

  get replicaId(): string {
    return this.lease.replicaId;
  }

  async publish(topic: string, summary: string): Promise<void> {
    const leaseId = await this.call('replicas', () => this.lease.id());
    await this.call('replicas', () => this.client().put(this.key(topic, this.replicaId)).value(summary).lease(leaseId).exec());
  }

  /** One read of the topic's keys: a summary is in a replica's key or in the retired one, never both. */
  async read(topic: string): Promise<ReplicaSummaries> {
    const prefix = this.key(topic, '');
    const response = await this.call('replicas', () => this.client().getAll().inRange(Range.prefix(prefix)).exec());
    const live = new Map<string, string>();
    let retired: string | undefined;
    for (const kv of response.kvs) {
      const replica = kv.key.toString().slice(prefix.length);
      if (replica === RETIRED) retired = kv.value.toString();
      else if (replica !== this.replicaId) live.set(replica, kv.value.toString());
    }
    return { live, retired };
  }

  async retire(topic: string, merge: (retired: string | undefined) => string): Promise<void> {
    const client = this.client();
    const retiredKey = this.key(topic, RETIRED);
    for (let attempt = 0; attempt < MAX_RETIRE_ATTEMPTS; attempt++) {
      const kv = (await this.call('replicas', () => client.get(retiredKey).exec())).kvs[0];
      const guard = kv ? client.if(retiredKey, 'Mod', '==', kv.mod_revision) : client.if(retiredKey, 'Create', '==', 0);
      const merged = merge(kv?.value.toString());
      const result = await this.call('replicas', () =>
        guard.then(client.put(retiredKey).value(merged), client.delete().key(this.key(topic, this.replicaId))).commit(),
      );
      if (result.succeeded) return;
    }
    throw new Error(`the retired ${topic} summary kept changing: this replica's share was not handed on`);
  }

  private key(topic: string, replica: string): string {
    return `${this.prefix}${topic}/${replica}`;
  }
}
