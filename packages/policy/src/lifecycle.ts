import type { FaultInjectionPolicy, StoredPolicy } from './types.js';
/** Absolute window of a stored policy, from metadata.updatedAt and duration_seconds (the longest rule decides expiry). */
export function policyTimeWindow(_policy: StoredPolicy): { activeFromMs: number; expiresAtMs: number } {
  throw new Error('not implemented');
}
/** Time-derived phase: 'Expired' once every rule's window has ended, 'Pending' before activeFrom, else 'Active'. */
export function policyPhase(_policy: StoredPolicy, _nowMs: number): 'Pending' | 'Active' | 'Expired' {
  throw new Error('not implemented');
}
/** True when two policies differ in nothing the user declares (server fields ignored): `apply` reports "unchanged". */
export function samePolicyContent(_a: FaultInjectionPolicy, _b: FaultInjectionPolicy): boolean {
  throw new Error('not implemented');
}
