// The data-plane poll body (docs/wire-format.md "Data-plane long-poll"): its schema in @hfi/api is checked
// at the edge (the route's body schema); here the checked body is completed with its defaults.
import type { DataPlaneIdentity, DataPlanePollBody, PollCounters } from '@hfi/api';
import { WIRE_VERSION } from '@hfi/api';

export interface DataPlanePoll {
  wireVersion: typeof WIRE_VERSION;
  identity: DataPlaneIdentity;
  instance: string;
  epoch: string;
  version: number;
  holdMs: number;
  counters: PollCounters;
}

/** Absent identity fields are unknown (null); absent counters are zero. */
export function pollFrom(body: DataPlanePollBody): DataPlanePoll {
  const identity = body.identity;
  const counters = body.counters ?? {};
  const rules: PollCounters['rules'] = {};
  for (const [id, c] of Object.entries(counters.rules ?? {})) rules[id] = { aborts: c.aborts ?? 0, delays: c.delays ?? 0 };
  return {
    wireVersion: WIRE_VERSION,
    identity: { service: identity.service ?? null, namespace: identity.namespace ?? null, pod: identity.pod ?? null },
    instance: body.instance,
    epoch: body.epoch,
    version: body.version,
    holdMs: body.holdMs,
    counters: { aborts: counters.aborts ?? 0, delays: counters.delays ?? 0, rules },
  };
}
