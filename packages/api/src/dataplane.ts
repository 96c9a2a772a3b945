// The data-plane long-poll body (docs/wire-format.md "Data-plane long-poll") and the registry's records.
import { type Static, Type } from '@sinclair/typebox';
import { API_LIMITS } from './limits.js';
import { CLOSED, listOf, Nullable, ref } from './schema.js';
import { WIRE_VERSION } from './wire.js';

const COUNT = { minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const Count = Type.Integer(COUNT);
const IdentityText = Type.String({ maxLength: API_LIMITS.identityTextLength });

export const FaultCounts = Type.Object({ aborts: Count, delays: Count }, CLOSED);
export type FaultCounts = Static<typeof FaultCounts>;

/** A rule's counts in a report; a count left out is 0. */
export const RuleCounts = Type.Object({
  aborts: Type.Optional(Count),
  delays: Type.Optional(Count),
  wouldInject: Type.Optional(Type.Integer({ ...COUNT, description: 'requests a dry-run rule picked and let pass' })),
});
export type RuleCounts = Static<typeof RuleCounts>;

/** A report's own fields, without its rules: what must hold for any of it to be counted. */
export const CounterReportTotals = Type.Object({
  seq: Type.Integer({
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'per instance, from 1, one more for each new report; a resend (after a lost answer) repeats it',
  }),
  aborts: Type.Optional(Type.Integer({ ...COUNT, description: 'the sum over rules' })),
  delays: Type.Optional(Type.Integer({ ...COUNT, description: 'the sum over rules' })),
  wouldInject: Type.Optional(Type.Integer({ ...COUNT, description: 'the sum over rules' })),
});

export const CounterReport = Type.Object(
  {
    ...CounterReportTotals.properties,
    rules: Type.Optional(
      Type.Record(Type.String(), RuleCounts, {
        maxProperties: API_LIMITS.countedRulesPerPoll,
        description: `keyed by rule id (\`<policy>/<ruleIndex>\`); at most ${API_LIMITS.countedRulesPerPoll} rules, the rest wait for the next report`,
      }),
    ),
  },
  {
    $id: 'CounterReport',
    description:
      'The faults a data plane counted since its last acknowledged report (docs/wire-format.md "Fault counters"). Fields this version does not know are ignored.',
  },
);
export type CounterReport = Static<typeof CounterReport>;

/** What every data-plane call opens with: the poll and the outcome report. */
export const DATA_PLANE_CALLER = {
  wireVersion: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    description: `the newest wire version the data plane reads (this server's: ${WIRE_VERSION})`,
  }),
  identity: Type.Object({
    service: Type.Optional(Nullable(IdentityText)),
    namespace: Type.Optional(Nullable(IdentityText)),
    pod: Type.Optional(Nullable(IdentityText)),
  }),
  instance: Type.String({ minLength: 1, maxLength: API_LIMITS.instanceLength, description: 'pod + a random id per wasm VM' }),
} as const;

export const DataPlanePollBody = Type.Object(
  {
    ...DATA_PLANE_CALLER,
    epoch: Type.String({ maxLength: API_LIMITS.epochLength, description: '"" when it holds nothing' }),
    version: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: '0 when it holds nothing' }),
    holdMs: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: `how long the server may hold the request (at most ${API_LIMITS.maxHoldMs})`,
    }),
    // Read apart from the poll (control-plane telemetry/counter-report.ts): counters that do not fit
    // CounterReport are dropped and counted, and the poll is answered all the same.
    counters: Type.Optional(
      Type.Union([ref(CounterReport), Type.Unknown()], {
        description: 'a CounterReport, or absent when there is nothing to report; never a reason to refuse the poll',
      }),
    ),
  },
  {
    $id: 'DataPlanePoll',
    description: 'What a data plane sends to POST /v1/dataplane/poll. Fields this version does not know are ignored.',
  },
);
export type DataPlanePollBody = Static<typeof DataPlanePollBody>;

export const DataPlaneIdentity = Type.Object(
  { service: Nullable(Type.String()), namespace: Nullable(Type.String()), pod: Nullable(Type.String()) },
  CLOSED,
);
export type DataPlaneIdentity = Static<typeof DataPlaneIdentity>;

export const DataPlane = Type.Object(
  {
    instance: Type.String(),
    identity: DataPlaneIdentity,
    epoch: Type.String(),
    version: Type.Integer({ minimum: 0 }),
    lastSeen: Type.String({ description: 'ISO-8601' }),
    counters: Type.Object(FaultCounts.properties, {
      ...CLOSED,
      description: 'what this instance reported to this replica since it first heard from it',
    }),
    connected: Type.Boolean({ description: 'true while a poll from this instance is held' }),
  },
  { ...CLOSED, $id: 'DataPlane', description: 'A data plane (one wasm VM) as the control plane knows it from its polls.' },
);
export type DataPlane = Static<typeof DataPlane>;

export const DataPlaneList = listOf(DataPlane, 'DataPlaneList', 'The data planes seen in the last 5 minutes, sorted by instance.');
export type DataPlaneList = Static<typeof DataPlaneList>;
