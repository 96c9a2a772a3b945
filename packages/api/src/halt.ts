// Halts, the kill switch (docs/api.md "Halts: the kill switch", docs/wire-format.md "Halts"): what
// POST /v1/halt and DELETE /v1/halt take, and the halts the API answers and the rule set carries.
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from './limits.js';
import { Selector, SelectorInput } from './policy.js';
import { CLOSED, listOf, ref } from './schema.js';
import { DeletedSkippedKey } from './skipped-key.js';

const Reason = Type.String({ maxLength: LIMITS.haltReasonLength, description: 'why, for whoever looks later ("" when none was given)' });
const Actor = Type.String({ maxLength: LIMITS.haltActorLength, description: 'who halted, when the client said so' });

export const Halt = Type.Object(
  {
    selector: Selector,
    reason: Reason,
    createdAt: Type.String({ description: 'ISO-8601: when this selector was first halted (halting it again keeps it)' }),
    actor: Type.Optional(Actor),
  },
  { ...CLOSED, $id: 'Halt', description: 'A halt as the rule set carries it: it stops every fault on the data planes it covers.' },
);
export type Halt = Static<typeof Halt>;

export const StoredHalt = Type.Object(
  {
    ...Halt.properties,
    version: Type.String({ description: 'the store revision of its latest write: the rule-set version that carries it' }),
  },
  { ...CLOSED, $id: 'StoredHalt', description: 'A halt as stored and as the API answers it.' },
);
export type StoredHalt = Static<typeof StoredHalt>;

export const HaltList = listOf(StoredHalt, 'HaltList', 'The active halts, by service then namespace.');
export type HaltList = Static<typeof HaltList>;

/**
 * What a client may send: the body itself is optional (no body, or no selector, halts everything); null is
 * refused for every field, as in policies. The halt validator (@hfi/policy validateHaltRequest) checks it, with field paths.
 */
export const HaltRequestBody = Type.Object(
  { selector: Type.Optional(SelectorInput), reason: Type.Optional(Reason), actor: Type.Optional(Actor) },
  { ...CLOSED, $id: 'HaltRequest', description: 'The body of POST /v1/halt, optional: no body, or no selector, halts everything.' },
);
export type HaltRequestBody = Static<typeof HaltRequestBody>;

const SelectorField = Type.String({ maxLength: 63, description: '"*" or absent: any' });

export const ResumeQuery = Type.Object(
  { service: Type.Optional(SelectorField), namespace: Type.Optional(SelectorField) },
  { description: 'neither: every halt; one left out means "*"' },
);
export type ResumeQuery = Static<typeof ResumeQuery>;

export const Resumed = Type.Object(
  {
    items: Type.Array(ref(StoredHalt), { description: 'the halts removed' }),
    skipped: Type.Optional(
      Type.Array(ref(DeletedSkippedKey), {
        description: 'halt keys removed whose values were not valid halts (listed in /ready until then); absent when none',
      }),
    ),
    version: Type.Integer({ minimum: 0, description: 'the rule-set version after the resume' }),
  },
  { ...CLOSED, $id: 'Resumed', description: 'What DELETE /v1/halt removed.' },
);
export type Resumed = Static<typeof Resumed>;

/** A halt in a policy's status: how much of the policy's scope it covers. */
export const PolicyHalt = Type.Object(
  {
    ...StoredHalt.properties,
    scope: Type.Union([Type.Literal('whole'), Type.Literal('part')], {
      description: 'whole: every data plane the policy selects is halted (phase Halted); part: only some are',
    }),
  },
  CLOSED,
);
export type PolicyHalt = Static<typeof PolicyHalt>;
