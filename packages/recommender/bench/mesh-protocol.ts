// What the mesh benchmark's coordinator (mesh.bench.ts) and each mesh's worker thread (mesh.worker.ts) tell each
// other: the coordinator hands out whole seeds, a worker runs every strategy for its seed and says when it is idle.
import type { OptimiserName } from '../src/optimisers/registry.js';

export interface MeshWorkerData {
  /** Counted from 1, for the output. */
  mesh: number;
  budget: number;
  trialSeconds: number;
  optimizers: OptimiserName[];
}

export type ToMesh = { kind: 'seed'; seed: number } | { kind: 'stop' };

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
  /** Waiting for the next seed (after 'ready' and after each seed). */
  | { kind: 'idle'; mesh: number };
