// The delay kind's shapes: canonical, as users write it, and compiled (docs/policy.md "delay",
// docs/wire-format.md "Delay distributions"). @hfi/policy src/faults/delay.ts validates and compiles them.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DELAY_TABLE_SIZE, type DelayQuantile } from '../constants.js';
import { LIMITS } from '../limits.js';
import { CLOSED } from '../schema.js';

export const DelayMs = Type.Integer({ minimum: 1, maximum: LIMITS.maxDelayMs });
const JitterMs = Type.Integer({
  minimum: 1,
  maximum: LIMITS.maxDelayMs,
  description: 'uniform in fixed ± jitter; less than the fixed delay',
});

function quantileFields<T extends TSchema>(value: () => T) {
  return {
    p50: Type.Optional(value()),
    p90: Type.Optional(value()),
    p95: Type.Optional(value()),
    p99: Type.Optional(value()),
    p999: Type.Optional(value()),
  } satisfies Record<DelayQuantile, unknown>;
}

const Quantiles = Type.Object(
  quantileFields(() => DelayMs),
  {
    ...CLOSED,
    minProperties: 2,
    maxProperties: 2,
    description: 'exactly two quantiles of a log-normal delay, in milliseconds, increasing',
  },
);

/** The canonical delay: fixed, fixed with uniform jitter, or log-normal by two quantiles. */
export const DelayFault = Type.Union([
  Type.Object({ fixed_delay_ms: DelayMs, jitter_ms: Type.Optional(JitterMs) }, CLOSED),
  Type.Object({ quantiles_ms: Quantiles }, CLOSED),
]);
export type DelayFault = Static<typeof DelayFault>;

const Duration = () => Type.String({ description: 'a duration: "1s", "250ms", "1.5s"' });

/** What users may write under `fault.delay` (besides the canonical forms). */
export const DelayInput = Type.Union([
  Type.Object({ fixedDelay: Duration(), jitter: Type.Optional(Duration()) }, CLOSED),
  Type.Object({ fixed_delay_ms: DelayMs, jitter_ms: Type.Optional(JitterMs) }, CLOSED),
  Type.Object(quantileFields(Duration), { ...CLOSED, minProperties: 2, maxProperties: 2 }),
  Type.Object({ quantiles_ms: Quantiles }, CLOSED),
]);

/** A compiled delay distribution: what a faulted request waits is drawn from it (after the percentage draw). */
export const CompiledDelayDistribution = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('uniform'),
      minMs: Type.Integer({ minimum: 1 }),
      maxMs: Type.Integer({ minimum: 1, description: 'inclusive; minMs + drawBelow(maxMs - minMs + 1)' }),
    },
    CLOSED,
  ),
  Type.Object(
    {
      kind: Type.Literal('table'),
      ms: Type.Array(Type.Integer({ minimum: 1 }), {
        minItems: DELAY_TABLE_SIZE,
        maxItems: DELAY_TABLE_SIZE,
        description: 'quantiles at (i + 0.5) / size, non-decreasing; the wait is ms[drawBelow(size)]',
      }),
    },
    CLOSED,
  ),
]);
export type CompiledDelayDistribution = Static<typeof CompiledDelayDistribution>;
