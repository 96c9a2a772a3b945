// What the API answers about policies: their status, and the list envelopes.
import { type Static, Type } from '@sinclair/typebox';
import { PolicyHalt } from './halt.js';
import { FaultInjectionPolicy, StoredPolicy } from './policy.js';
import { CLOSED, listOf, Nullable, ref } from './schema.js';
import { HaltReason } from './stop-conditions.js';

export const PolicyPhase = Type.Union(
  [Type.Literal('Pending'), Type.Literal('Active'), Type.Literal('Scheduled'), Type.Literal('Expired'), Type.Literal('Halted')],
  {
    description:
      'Expired: every rule ended; Halted: an active halt covers its whole scope, or a stop condition stopped it (haltReason); Active: a targeted data plane holds the latest write (and a scheduled policy is in a window); Scheduled: the same, between two windows (status.nextWindowAt); else Pending',
  },
);
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
    ruleFaults: Type.Array(Type.Object(Faults.properties, CLOSED), {
      description: "per rule of the policy's spec, by index: the faults injected for that rule index, summed over data planes",
    }),
    wouldInject: Type.Integer({
      minimum: 0,
      description:
        'requests a dry run (spec.dryRun) picked for a fault and let pass, summed over data planes; 0 for a policy never run dry',
    }),
    ruleWouldInject: Type.Array(Count, { description: "the same per rule of the policy's spec, by index" }),
    halts: Type.Array(PolicyHalt, { description: 'the active halts that stop this policy on all or part of the data planes it selects' }),
    // Present while a stop condition has stopped this version of the policy (phase Halted): which one, and what it saw.
    haltReason: Type.Optional(ref(HaltReason)),
    nextWindowAt: Type.Optional(
      Nullable(
        Type.String({
          description:
            'scheduled policies only: ISO-8601 start of the next window after now; null when none starts before the policy expires',
        }),
      ),
    ),
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

export const PolicyList = listOf(PolicyWithStatus, 'PolicyList', 'Every policy, sorted by name.');
export type PolicyList = Static<typeof PolicyList>;

export const PolicyStatusItem = Type.Object(
  {
    name: Type.String(),
    phase: PolicyPhase,
    targetedDataPlanes: PolicyStatus.properties.targetedDataPlanes,
    appliedDataPlanes: PolicyStatus.properties.appliedDataPlanes,
    faults: Faults,
    wouldInject: PolicyStatus.properties.wouldInject,
  },
  { ...CLOSED, $id: 'PolicyStatusItem' },
);
export type PolicyStatusItem = Static<typeof PolicyStatusItem>;

export const PolicyStatusList = listOf(PolicyStatusItem, 'PolicyStatusList', 'The status of every policy, sorted by name.');
export type PolicyStatusList = Static<typeof PolicyStatusList>;

/** What the server did with a write: the `hfi-result` response header. */
export const ApplyResult = Type.Union([Type.Literal('created'), Type.Literal('configured'), Type.Literal('unchanged')]);
export type ApplyResult = Static<typeof ApplyResult>;
