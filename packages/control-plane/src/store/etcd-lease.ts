// This replica's etcd lease: keys bound to it go when the replica does (its TTL after the last keepalive),
// so that a job only one replica should do (pruning the audit history) passes to another when it dies.
import type { Etcd3, Lease } from 'etcd3';

export class ReplicaLease {
  private lease: Lease | undefined;

  constructor(
    private readonly client: () => Etcd3,
    /** This replica's id, the value of every key it holds. */
    readonly replicaId: string,
    private readonly ttlSeconds: number,
  ) {}

  /** The lease's id, granting a new lease when there is none or the last one was lost. */
  async id(): Promise<string> {
    let lease = this.lease;
    if (!lease) {
      const granted = this.client().lease(this.ttlSeconds);
      granted.on('lost', () => {
        if (this.lease === granted) this.lease = undefined;
      });
      this.lease = lease = granted;
    }
    try {
      return await lease.grant();
    } catch (error) {
      if (this.lease === lease) this.lease = undefined;
      throw error;
    }
  }

  /**
   * True when this replica holds `key`, taking it when nobody does (a key bound to the lease, so that it is
   * free again once this replica is gone).
   */
  async holds(key: string): Promise<boolean> {
    const client = this.client();
    const leaseId = await this.id();
    const result = await client
      .if(key, 'Create', '==', 0)
      .then(client.put(key).value(this.replicaId).lease(leaseId))
      .else(client.get(key))
      .commit();
    if (result.succeeded) return true;
    const holder = result.responses[0]?.response_range?.kvs[0]?.value.toString();
    return holder === this.replicaId;
  }

  /** Revokes the lease: its keys go at once. */
  async close(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.revoke().catch(() => undefined);
  }
}
