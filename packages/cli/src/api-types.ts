// Shapes of the control plane's REST answers (docs/control-plane.md). Policy types come from @hfi/policy.
import type { PolicyPhase, StoredHalt, StoredPolicy } from '@hfi/policy';

/** An active halt as GET /v1/halt and a policy's status list it. */
export type HaltItem = StoredHalt;

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
  /** Halts that stop the policy on all (`whole`: phase Halted) or part of the data planes it selects. */
  halts?: (HaltItem & { scope: 'whole' | 'part' })[];
}

/** A policy as the API returns it: stored fields plus the server's view of its state. */
export type PolicyWithStatus = StoredPolicy & { status?: PolicyStatus };

export interface PolicyStatusItem extends Omit<PolicyStatus, 'activeFrom' | 'expiresAt' | 'halts'> {
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
