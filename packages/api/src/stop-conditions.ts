// Stop conditions (docs/policy.md "Stop conditions"): `spec.stopWhen` lists conditions on a workload's traffic
// outcomes, any of which halts the policy by itself (a trip); the server-wide default guard takes the same
// shape. A trip is stored apart from the policy, bound to the policy version it stopped: the status answers
// it as `haltReason`, and re-applying the policy with changed content (a new version) or `POST
// /v1/policies/{name}/resume` clears it. @hfi/policy src/stop-conditions.ts validates them with field paths.
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from './limits.js';
import { CLOSED } from './schema.js';
import { Selector, SelectorInput } from './selector.js';

const ErrorRate = Type.Number({ minimum: 0, maximum: 100, description: 'percent of requests answered 5xx or by a local reply error' });
const LatencyMs = Type.Integer({ minimum: 1, maximum: LIMITS.maxDelayMs, description: 'milliseconds' });
const WindowMs = Type.Integer({
  minimum: LIMITS.stopWindowMinMs,
  maximum: LIMITS.stopWindowMaxMs,
  description: 'the sliding window the figures are taken over',
});
const MinRequests = Type.Integer({
  minimum: 1,
  maximum: LIMITS.stopMinRequestsMax,
  description: 'the condition holds only once the window saw at least this many requests',
});

/** One condition in its canonical form: durations in milliseconds, defaults filled in. */
export const StopCondition = Type.Object(
  {
    selector: Type.Object(Selector.properties, {
      ...CLOSED,
      description: 'the workload whose health is guarded (often the caller of the faulted service); "*" means any',
    }),
    errorRateAbove: Type.Optional(ErrorRate),
    p99LatencyAboveMs: Type.Optional(LatencyMs),
    windowMs: WindowMs,
    minRequests: MinRequests,
  },
  { ...CLOSED, description: 'holds when the window saw minRequests and its error rate or p99 latency is above the threshold' },
);
export type StopCondition = Static<typeof StopCondition>;

export const StopWhen = Type.Array(StopCondition, {
  minItems: 1,
  maxItems: LIMITS.stopConditionsPerPolicy,
  description: 'any one halts the policy',
});

/** What users may write: durations as strings ("30s", "800ms"), window and minRequests left out for their defaults. */
export const StopConditionInput = Type.Object(
  {
    selector: SelectorInput,
    errorRateAbove: Type.Optional(ErrorRate),
    p99LatencyAbove: Type.Optional(Type.String({ description: 'a duration: "800ms"' })),
    p99LatencyAboveMs: Type.Optional(LatencyMs),
    window: Type.Optional(Type.String({ description: `a duration, default ${LIMITS.stopWindowDefaultMs / 1000}s` })),
    windowMs: Type.Optional(WindowMs),
    minRequests: Type.Optional(Type.Integer({ ...MinRequests, default: LIMITS.stopMinRequestsDefault })),
  },
  { ...CLOSED, description: 'errorRateAbove and/or p99LatencyAbove' },
);

export const StopWhenInput = Type.Array(StopConditionInput, { minItems: 1, maxItems: LIMITS.stopConditionsPerPolicy });

/** The figures a condition was judged on, as the evaluator read them. */
export const ObservedFigures = Type.Object(
  {
    requests: Type.Integer({ minimum: 0 }),
    errors: Type.Integer({ minimum: 0 }),
    errorRatePercent: Type.Number({ minimum: 0 }),
    p99Ms: Type.Number({ minimum: 0 }),
    dataPlanes: Type.Integer({ minimum: 0 }),
  },
  CLOSED,
);
export type ObservedFigures = Static<typeof ObservedFigures>;

/** Why a policy halted by itself: `status.haltReason`, and what a trip stores. */
export const HaltReason = Type.Object(
  {
    source: Type.Union([Type.Literal('stopWhen'), Type.Literal('defaultGuard')], {
      description: "stopWhen: one of the policy's conditions; defaultGuard: the server's default guard (the policy has no stopWhen)",
    }),
    conditionIndex: Type.Integer({ minimum: 0, description: 'which condition of that list held' }),
    condition: StopCondition,
    observed: ObservedFigures,
    at: Type.String({ description: 'ISO-8601: when the control plane found the condition holding' }),
  },
  { ...CLOSED, $id: 'HaltReason' },
);
export type HaltReason = Static<typeof HaltReason>;

/** A trip as stored: the policy version it stopped, and why. */
export const StoredTrip = Type.Object(
  {
    policy: Type.String({ maxLength: LIMITS.nameMaxLength }),
    policyVersion: Type.String({ description: 'the metadata.version it stopped: a later write of the policy is not stopped by it' }),
    reason: HaltReason,
    version: Type.String({ description: 'the store revision it was written at' }),
  },
  { ...CLOSED, $id: 'StoredTrip', description: 'A policy stopped by a stop condition.' },
);
export type StoredTrip = Static<typeof StoredTrip>;
