// Counted faults' shapes (docs/policy.md "Counted faults", docs/wire-format.md "Counted faults"): how many
// requests a rule faults, as users write it and compiled. @hfi/policy src/faults/limit.ts validates and compiles them.
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits.js';
import { CLOSED } from '../schema.js';

export const FirstRequests = Type.Integer({
  minimum: 1,
  maximum: LIMITS.maxFirstRequests,
  description: 'fault only the first N requests the rule picks (per worker), then pass',
});
export const PerSecond = Type.Integer({
  minimum: 1,
  maximum: LIMITS.maxPerSecond,
  description: 'fault at most N requests a second (a token bucket per worker, N deep)',
});
export const MaxActive = Type.Integer({
  minimum: 1,
  maximum: LIMITS.maxActive,
  description: 'hold at most N requests at once (per worker); beyond that a request passes and is counted',
});

/** The canonical `fault.limit`: at least one of its fields. */
export const FaultLimit = Type.Object(
  { firstRequests: Type.Optional(FirstRequests), perSecond: Type.Optional(PerSecond) },
  { ...CLOSED, minProperties: 1 },
);
export type FaultLimit = Static<typeof FaultLimit>;

/** What users may write under `fault.limit`. */
export const FaultLimitInput = Type.Object({ firstRequests: Type.Optional(FirstRequests), perSecond: Type.Optional(PerSecond) }, CLOSED);

/** The compiled limits of a rule (wire version 2, absent unless one is used); 0 = that limit is off. */
export const CompiledLimit = Type.Object(
  {
    firstRequests: Type.Integer({ minimum: 0, description: 'faults before the rule passes everything' }),
    perSecond: Type.Integer({ minimum: 0, description: 'token bucket: N deep, refilled at N per 1000 ms, in thousandths' }),
    maxActive: Type.Integer({ minimum: 0, description: 'requests the rule may hold at once' }),
  },
  CLOSED,
);
export type CompiledLimit = Static<typeof CompiledLimit>;
