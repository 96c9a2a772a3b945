// What the API answers about policies: their status, and the list envelopes.
import { type Static, Type } from '@sinclair/typebox';
import { FaultInjectionPolicy, StoredPolicy } from './policy.js';
import { CLOSED, listOf, Nullable, ref } from './schema.js';

export const PolicyPhase = Type.Union([Type.Literal('Pending'), Type.Literal('Active'), Type.Literal('Expired')], {
  description: 'Expired: every rule ended; Active: a targeted data plane holds the latest write; else Pending',
});
export type PolicyPhase = Static<typeof PolicyPhase>;

const Count = Type.Integer({ minimum: 0 });
const Faults = Type.Object({ aborts: Count, delays: Count }, { ...CLOSED, description: 'injected so far, summed over data planes' });

export const PolicyStatus = Type.Object(
  {
    phase: PolicyPhase,
    activeFrom: Nullable(Type.String({ description: 'ISO-8601; null before the first write (a dry run of a new policy)' })),
    expiresAt: Nullable(Type.String({ description: 'ISO-8601; null when the policy lasts until deleted' })),
    targetedDataPlanes: Type.Integer({ minimum: 0, description: 'pods whose identity the selector matches' }),
    appliedDataPlanes: Type.Integer({ minimum: 0, description: "of those, the pods that hold the policy's latest write" }),
    faults: Faults,
  },
  { ...CLOSED, $id: 'PolicyStatus', description: 'The server\'s view of a policy (docs/api.md "The status block").' },
);
export type PolicyStatus = Static<typeof PolicyStatus>;

/** What a write (or dry run) answers: server fields are absent from the dry run of a new policy. */
export const AppliedPolicy = Type.Object(
  { ...FaultInjectionPolicy.properties, status: ref(PolicyStatus) },
  { ...CLOSED, $id: 'AppliedPolicy', description: 'A policy as a write or dry run answers it.' },
);
export type AppliedPolicy = Static<typeof AppliedPolicy>;

export const PolicyWithStatus = Type.Object(
  { ...StoredPolicy.properties, status: ref(PolicyStatus) },
  { ...CLOSED, $id: 'PolicyWithStatus', description: 'A stored policy with its status.' },
);
export type PolicyWithStatus = Static<typeof PolicyWithStatus>;

/** What deleting a store key answers when its value was skipped (not a valid policy): deleting it is the repair. */
export const DeletedSkippedKey = Type.Object(
  {
    key: Type.String({ description: 'the store key removed, e.g. `/hfi/policies/<name>`' }),
    skipped: Type.Literal(true),
    reason: Type.String({ description: 'why its value was skipped' }),
  },
  { ...CLOSED, $id: 'DeletedSkippedKey', description: 'A deleted store key whose value was not a valid policy.' },
);
export type DeletedSkippedKey = Static<typeof DeletedSkippedKey>;

export const PolicyList = listOf(PolicyWithStatus, 'PolicyList', 'Every policy, sorted by name.');
export type PolicyList = Static<typeof PolicyList>;

export const PolicyStatusItem = Type.Object(
  {
    name: Type.String(),
    phase: PolicyPhase,
    targetedDataPlanes: PolicyStatus.properties.targetedDataPlanes,
    appliedDataPlanes: PolicyStatus.properties.appliedDataPlanes,
    faults: Faults,
  },
  { ...CLOSED, $id: 'PolicyStatusItem' },
);
export type PolicyStatusItem = Static<typeof PolicyStatusItem>;

export const PolicyStatusList = listOf(PolicyStatusItem, 'PolicyStatusList', 'The status of every policy, sorted by name.');
export type PolicyStatusList = Static<typeof PolicyStatusList>;

/** What the server did with a write: the `hfi-result` response header. */
export const ApplyResult = Type.Union([Type.Literal('created'), Type.Literal('configured'), Type.Literal('unchanged')]);
export type ApplyResult = Static<typeof ApplyResult>;
