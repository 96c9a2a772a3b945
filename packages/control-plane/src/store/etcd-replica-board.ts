// Per-replica summaries on etcd: each replica writes its own summary of a topic at
// `<root>replicas/<topic>/<replica id>`, bound to its lease (gone with the replica), and reads the others'.
// What one replica alone knows (the fault counters its data planes reported) becomes what every replica answers.
import { type Etcd3, Range } from 'etcd3';
import type { ReplicaLease } from './etcd-lease.js';
import type { ReplicaBoard } from './types.js';

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

  async read(topic: string): Promise<Map<string, string>> {
    const prefix = this.key(topic, '');
    const response = await this.call('replicas', () => this.client().getAll().inRange(Range.prefix(prefix)).exec());
    const summaries = new Map<string, string>();
    for (const kv of response.kvs) {
      const replica = kv.key.toString().slice(prefix.length);
      if (replica !== this.replicaId) summaries.set(replica, kv.value.toString());
    }
    return summaries;
  }

  private key(topic: string, replica: string): string {
    return `${this.prefix}${topic}/${replica}`;
  }
}
