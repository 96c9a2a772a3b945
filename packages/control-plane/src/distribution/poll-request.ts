// The data-plane poll body (docs/wire-format.md "Data-plane long-poll"): its schema in @hfi/api is checked
// at the edge (the route's body schema); here the checked body is completed with its defaults. Only what
// answering needs can refuse a poll (identity, held version, hold); the counters are read apart from it
// (../telemetry/counter-report.ts), so that telemetry never cuts off a data plane.
import type { DataPlaneIdentity, DataPlanePollBody } from '@hfi/api';

export interface DataPlanePoll {
  /** The newest wire version the data plane reads (it is answered in the newest form it reads). */
  wireVersion: number;
  identity: DataPlaneIdentity;
  instance: string;
  epoch: string;
  version: number;
  holdMs: number;
  /** As sent: read by readCounterReport, which drops what it cannot use. */
  counters: unknown;
}

/** Absent identity fields are unknown (null). */
export function pollFrom(body: DataPlanePollBody): DataPlanePoll {
  const identity = body.identity;
  return {
    wireVersion: body.wireVersion,
    identity: { service: identity.service ?? null, namespace: identity.namespace ?? null, pod: identity.pod ?? null },
    instance: body.instance,
    epoch: body.epoch,
    version: body.version,
    holdMs: body.holdMs,
    counters: body.counters,
  };
}
