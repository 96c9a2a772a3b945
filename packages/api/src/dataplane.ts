// The data-plane long-poll body (docs/wire-format.md "Data-plane long-poll") and the registry's records.
import { type Static, Type } from '@sinclair/typebox';
import { API_LIMITS } from './limits.js';
import { CLOSED, listOf, Nullable } from './schema.js';
import { WIRE_VERSION } from './wire.js';

const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const IdentityText = Type.String({ maxLength: API_LIMITS.identityTextLength });

export const FaultCounts = Type.Object({ aborts: Count, delays: Count }, CLOSED);
export type FaultCounts = Static<typeof FaultCounts>;

const CountsInput = Type.Object({ aborts: Type.Optional(Count), delays: Type.Optional(Count) });

export const DataPlanePollBody = Type.Object(
  {
    wireVersion: Type.Literal(WIRE_VERSION),
    identity: Type.Object({
      service: Type.Optional(Nullable(IdentityText)),
      namespace: Type.Optional(Nullable(IdentityText)),
      pod: Type.Optional(Nullable(IdentityText)),
    }),
    instance: Type.String({ minLength: 1, maxLength: API_LIMITS.instanceLength, description: 'pod + a random id per wasm VM' }),
    epoch: Type.String({ maxLength: API_LIMITS.epochLength, description: '"" when it holds nothing' }),
    version: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: '0 when it holds nothing' }),
    holdMs: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: `how long the server may hold the request (at most ${API_LIMITS.maxHoldMs})`,
    }),
    counters: Type.Optional(
      Nullable(
        Type.Object({
          aborts: Type.Optional(Count),
          delays: Type.Optional(Count),
          rules: Type.Optional(
            Type.Record(Type.String(), CountsInput, { maxProperties: API_LIMITS.countedRulesPerPoll, description: 'keyed by rule id' }),
          ),
        }),
      ),
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

export const PollCounters = Type.Object({ aborts: Count, delays: Count, rules: Type.Record(Type.String(), FaultCounts) }, CLOSED);
export type PollCounters = Static<typeof PollCounters>;

export const DataPlane = Type.Object(
  {
    instance: Type.String(),
    identity: DataPlaneIdentity,
    epoch: Type.String(),
    version: Type.Integer({ minimum: 0 }),
    lastSeen: Type.String({ description: 'ISO-8601' }),
    counters: PollCounters,
    connected: Type.Boolean({ description: 'true while a poll from this instance is held' }),
  },
  { ...CLOSED, $id: 'DataPlane', description: 'A data plane (one wasm VM) as the control plane knows it from its polls.' },
);
export type DataPlane = Static<typeof DataPlane>;

export const DataPlaneList = listOf(DataPlane, 'DataPlaneList', 'The data planes seen in the last 5 minutes, sorted by instance.');
export type DataPlaneList = Static<typeof DataPlaneList>;
