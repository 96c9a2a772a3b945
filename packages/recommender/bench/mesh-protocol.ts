// What the mesh benchmark's coordinator (mesh.bench.ts) and each mesh's worker thread (mesh.worker.ts) tell each
// other: the coordinator hands out sessions (a strategy and a seed), a worker runs one and says when it is idle.
import type { OptimiserName } from '../src/optimisers/registry.js';

export interface MeshWorkerData {
  /** Counted from 1, for the output. */
  mesh: number;
  budget: number;
  trialSeconds: number;
  /** Findings count against this worst severity instead of the one the mesh measures. */
  worst?: number;
}

export type ToMesh = { kind: 'session'; optimizer: OptimiserName; seed: number } | { kind: 'stop' };

interface WorstMeasured {
  severity: number;
  requests: number;
  statuses: Record<string, number>;
  p99Ms: number;
}

export interface SessionResult {
  seed: number;
  optimizer: OptimiserName;
  /** The trial (from 1) whose severity first reached the mesh's threshold; null when none did within the budget. */
  found: number | null;
  severities: number[];
}

export type FromMesh =
  | { kind: 'ready'; mesh: number; worst: WorstMeasured; threshold: number }
  | { kind: 'result'; mesh: number; result: SessionResult }
  /** Waiting for the next session (after 'ready' and after each session). */
  | { kind: 'idle'; mesh: number };
