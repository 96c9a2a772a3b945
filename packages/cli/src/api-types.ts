// Shapes of the control plane's REST answers (docs/control-plane.md). Policy types come from @hfi/policy.
import type { StoredPolicy } from '@hfi/policy';

export type PolicyPhase = 'Pending' | 'Active' | 'Expired';

export interface FaultCounters {
  aborts: number;
  delays: number;
}

export interface PolicyStatus {
  phase: PolicyPhase;
  activeFrom: string;
  /** ISO-8601, or null when the policy lasts until deleted. */
  expiresAt: string | null;
  targetedDataPlanes: number;
  appliedDataPlanes: number;
  faults: FaultCounters;
}

/** A policy as the API returns it: stored fields plus the server's view of its state. */
export type PolicyWithStatus = StoredPolicy & { status?: PolicyStatus };

export interface PolicyStatusItem extends Omit<PolicyStatus, 'activeFrom' | 'expiresAt'> {
  name: string;
}

/** What the server did with a write (header `hfi-result`). */
export type ApplyResult = 'created' | 'configured' | 'unchanged';

export interface DataPlaneIdentity {
  service: string | null;
  namespace: string | null;
  pod: string | null;
}

export interface DataPlane {
  instance: string;
  identity: DataPlaneIdentity;
  epoch: string;
  version: number;
  lastSeen: string;
  counters?: Record<string, unknown>;
  connected: boolean;
}

export interface Health {
  status: string;
  version?: string;
}

/** One server-sent event from /v1/config/stream. */
export interface StreamEvent {
  event: string;
  id: string | undefined;
  data: string;
}
