// What route plugins share. Built once in app.ts.

import type { JsonShapeLimits } from '@hfi/policy';
import type { AuditService } from './audit-service.js';
import type { Access } from './auth.js';
import type { Clock } from './clock.js';
import type { RuleSetHub } from './distribution/hub.js';
import type { LongPolls } from './distribution/long-poll.js';
import type { DataPlaneRegistry } from './distribution/registry.js';
import type { RuleSetStreams } from './distribution/sse.js';
import type { HaltService } from './halt-service.js';
import type { ControlPlaneMetrics } from './metrics.js';
import type { PolicyService } from './policy-service.js';
import type { PolicyStore } from './store/types.js';
import type { FaultLedger } from './telemetry/fault-ledger.js';
import type { OutcomeFigures } from './telemetry/outcome-aggregator.js';
import type { WorkloadOutcomes } from './telemetry/workload-outcomes.js';

export interface AppContext {
  version: string;
  clock: Clock;
  store: PolicyStore;
  hub: RuleSetHub;
  policies: PolicyService;
  halts: HaltService;
  audit: AuditService;
  dataPlanes: DataPlaneRegistry;
  faults: FaultLedger;
  /** What the data planes reporting to this replica observed (the report call records into it). */
  outcomes: WorkloadOutcomes;
  /**
   * Traffic figures per workload over a window, from every replica: `figures.workloadFigures(selector, windowMs)`
   * is what a stop-condition evaluator reads (telemetry/outcome-aggregator.ts).
   */
  figures: OutcomeFigures;
  longPolls: LongPolls;
  streams: RuleSetStreams;
  metrics: ControlPlaneMetrics;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who calls: the name of the token presented, or "anonymous" where the route is not guarded (auth.ts). */
    actor: string;
  }

  interface FastifyContextConfig {
    /** Who may call the route (auth.ts). */
    access?: Access;
    /** Structural bounds of a JSON body on this route when they are not a policy's. */
    bodyShape?: JsonShapeLimits;
  }
}
