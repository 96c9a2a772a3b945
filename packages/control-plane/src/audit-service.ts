// The audit history behind the API: GET /v1/audit's query checked, and the sweep that records expiries
// (actor "system") and prunes the history to its retention.
import { API_LIMITS, type AuditEntry, type AuditQuery as AuditQueryParams } from '@hfi/api';
import { policyTimeWindow } from '@hfi/policy';
import type { Clock } from './clock.js';
import type { RuleSetHub } from './distribution/hub.js';
import { HfiError } from './errors.js';
import type { AuditRetention } from './store/audit.js';
import type { PolicyStore } from './store/types.js';

export interface AuditServiceOptions {
  store: PolicyStore;
  hub: RuleSetHub;
  clock: Clock;
  retention: AuditRetention;
}

export class AuditService {
  /** `<name>@<version>` of the expiries recorded (or found recorded) by this replica. */
  private readonly recorded = new Set<string>();

  constructor(private readonly o: AuditServiceOptions) {}

  list(query: AuditQueryParams): Promise<AuditEntry[]> {
    const limit = query.limit === undefined ? API_LIMITS.auditEntriesDefault : Number(query.limit);
    if (limit < 1 || limit > API_LIMITS.auditEntriesPerQuery) {
      const message = `expected 1-${API_LIMITS.auditEntriesPerQuery}, got ${query.limit}`;
      throw new HfiError('HFI_INVALID_REQUEST', `query parameter limit: ${message}`, [{ path: 'limit', message }]);
    }
    const selector = query.policy === undefined ? undefined : this.o.hub.policy(query.policy)?.spec.selector;
    return this.o.store.audit.list({
      limit,
      ...(query.policy !== undefined ? { policy: query.policy } : {}),
      ...(selector !== undefined ? { selector } : {}),
      ...(query.kind !== undefined ? { kind: query.kind } : {}),
    });
  }

  /**
   * Records the expiry of every policy whose last rule has ended (once per policy version; on etcd the write
   * is idempotent across replicas), then prunes. Expiries older than the retention are not recorded.
   */
  async sweep(): Promise<void> {
    if (this.sweeping) return; // a slow store: the next tick does it
    this.sweeping = true;
    try {
      await this.recordExpiries();
      await this.o.store.audit.prune(this.o.clock.now());
    } finally {
      this.sweeping = false;
    }
  }

  private sweeping = false;

  private async recordExpiries(): Promise<void> {
    const now = this.o.clock.now();
    const live = new Set<string>();
    for (const policy of this.o.hub.policies()) {
      const { expiresAtMs } = policyTimeWindow(policy);
      if (expiresAtMs === 0 || expiresAtMs > now || expiresAtMs < now - this.o.retention.maxAgeMs) continue;
      const key = `${policy.metadata.name}@${policy.metadata.version}`;
      live.add(key);
      if (this.recorded.has(key)) continue;
      await this.o.store.audit.recordExpiry(policy, expiresAtMs);
      this.recorded.add(key);
    }
    for (const key of this.recorded) if (!live.has(key)) this.recorded.delete(key);
  }
}
