// A store key whose value every replica skips (not a valid policy or halt: written around the API, or by
// another version). /ready lists such keys; deleting the key through the API is their repair.
import { type Static, Type } from '@sinclair/typebox';
import { CLOSED } from './schema.js';

/** What deleting a store key answers when its value was skipped: deleting it is the repair. */
export const DeletedSkippedKey = Type.Object(
  {
    key: Type.String({ description: 'the store key removed, e.g. `/hfi/policies/<name>` or `/hfi/halts/<service>/<namespace>`' }),
    skipped: Type.Literal(true),
    reason: Type.String({ description: 'why its value was skipped' }),
  },
  { ...CLOSED, $id: 'DeletedSkippedKey', description: 'A deleted store key whose value was not a valid policy or halt.' },
);
export type DeletedSkippedKey = Static<typeof DeletedSkippedKey>;
