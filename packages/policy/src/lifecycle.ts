// Time windows and content identity of policies. Everything is derived from metadata.updatedAt and the rules'
// duration_seconds; `now` is always a parameter.

import type { FaultInjectionPolicy, StoredPolicy } from './types.js';
import { validatePolicy } from './validate.js';

/** Absolute window of a stored policy, from metadata.updatedAt and duration_seconds (the longest rule decides expiry). */
export function policyTimeWindow(policy: StoredPolicy): { activeFromMs: number; expiresAtMs: number } {
  const activeFromMs = Date.parse(policy.metadata.updatedAt);
  const durations = policy.spec.rules.map((rule) => rule.fault.duration_seconds);
  // One rule without a duration keeps the policy in force until it is deleted.
  if (durations.length === 0 || durations.some((seconds) => seconds <= 0)) return { activeFromMs, expiresAtMs: 0 };
  return { activeFromMs, expiresAtMs: activeFromMs + Math.max(...durations) * 1000 };
}

/** Time-derived phase: 'Expired' once every rule's window has ended, 'Pending' before activeFrom, else 'Active'. */
export function policyPhase(policy: StoredPolicy, nowMs: number): 'Pending' | 'Active' | 'Expired' {
  const { activeFromMs, expiresAtMs } = policyTimeWindow(policy);
  if (nowMs < activeFromMs) return 'Pending';
  if (expiresAtMs !== 0 && nowMs >= expiresAtMs) return 'Expired';
  return 'Active';
}

/** True when two policies differ in nothing the user declares (server fields ignored): `apply` reports "unchanged". */
export function samePolicyContent(a: FaultInjectionPolicy, b: FaultInjectionPolicy): boolean {
  return contentKey(a) === contentKey(b);
}

function contentKey(policy: FaultInjectionPolicy): string {
  const result = validatePolicy(policy);
  // Normalising makes spellings equal (fixedDelay "1s" vs fixed_delay_ms 1000, `get` vs `GET`, label order).
  const canonical = result.ok ? result.policy : policy;
  return JSON.stringify([canonical.metadata?.name, canonical.metadata?.labels ?? {}, canonical.spec]);
}
