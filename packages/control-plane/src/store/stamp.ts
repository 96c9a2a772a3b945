// Server-assigned metadata, added in one place so that every store returns the same shape.
import type { FaultInjectionPolicy, StoredPolicy } from '@hfi/policy';

export function stampPolicy(policy: FaultInjectionPolicy, server: { version: string; createdAt: string; updatedAt: string }): StoredPolicy {
  const { name, labels } = policy.metadata;
  return {
    apiVersion: policy.apiVersion,
    kind: policy.kind,
    metadata: { name, ...(labels ? { labels } : {}), ...server },
    spec: policy.spec,
  };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function byName(a: StoredPolicy, b: StoredPolicy): number {
  const x = a.metadata.name;
  const y = b.metadata.name;
  return x < y ? -1 : x > y ? 1 : 0;
}
