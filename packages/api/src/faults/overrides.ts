// Request overrides' shapes (docs/policy.md "Request overrides"): `spec.requestOverrides` lets a request that
// matches one of the policy's rules choose its fault with two headers, within these bounds.
// @hfi/policy src/faults/overrides.ts validates, compiles and applies them.
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../limits.js';
import { CLOSED } from '../schema.js';

/** The headers a test client sets; read (and stripped) only where the matched rule's policy allows them. */
export const OVERRIDE_DELAY_HEADER = 'x-hfi-fault-delay-ms';
export const OVERRIDE_ABORT_HEADER = 'x-hfi-fault-abort-status';

const MaxDelayMs = Type.Integer({ minimum: 1, maximum: LIMITS.maxDelayMs, description: `the longest ${OVERRIDE_DELAY_HEADER} honoured` });
const AbortStatuses = Type.Array(Type.Integer({ minimum: 200, maximum: 599 }), {
  minItems: 1,
  maxItems: LIMITS.overrideStatuses,
  uniqueItems: true,
  description: `the statuses ${OVERRIDE_ABORT_HEADER} may choose`,
});

/** The canonical `spec.requestOverrides`: at least one bound. */
export const RequestOverrides = Type.Object(
  { maxDelayMs: Type.Optional(MaxDelayMs), abortStatuses: Type.Optional(AbortStatuses) },
  { ...CLOSED, minProperties: 1 },
);

/** What users may write: also `maxDelay` as a duration. */
export const RequestOverridesInput = Type.Object(
  {
    maxDelay: Type.Optional(Type.String({ description: 'a duration: "2s"' })),
    maxDelayMs: Type.Optional(MaxDelayMs),
    abortStatuses: Type.Optional(AbortStatuses),
  },
  CLOSED,
);

/** Wire version 2, on each rule of such a policy: maxDelayMs -1 when delays may not be chosen. */
export const CompiledOverrides = Type.Object(
  { maxDelayMs: Type.Integer({ minimum: -1 }), abortStatuses: Type.Array(Type.Integer({ minimum: 200, maximum: 599 })) },
  CLOSED,
);
