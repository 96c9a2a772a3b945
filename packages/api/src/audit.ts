// The audit history (docs/api.md "Audit history"): every change to policies and halts, with when, who and
// what it was before and after. GET /v1/audit answers it, newest first.
import { type Static, Type } from '@sinclair/typebox';
import { StoredHalt } from './halt.js';
import { API_LIMITS } from './limits.js';
import { Selector, StoredPolicy } from './policy.js';
import { CLOSED, listOf, ref } from './schema.js';
import { StoredTrip } from './stop-conditions.js';

/**
 * What changed. create, update, delete: a policy write; halt (also a re-halt updating the reason), resume: a
 * halt written or removed, or a stopped policy resumed (`policy` set); expire: a policy's last rule ended
 * (nothing is written: its phase changed); trip: a stop condition stopped a policy (actor "system").
 */
export const AUDIT_KINDS = ['create', 'update', 'delete', 'halt', 'resume', 'expire', 'trip'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

const AuditKindSchema = Type.Union(
  AUDIT_KINDS.map((kind) => Type.Literal(kind)),
  { description: AUDIT_KINDS.join(', ') },
);

/** The actor of changes no token made: expiry, stop conditions tripping. */
export const SYSTEM_ACTOR = 'system';
/** The actor of changes made on a server that runs open (no token configured). */
export const ANONYMOUS_ACTOR = 'anonymous';

const storedOrNull = (description: string) =>
  Type.Union([ref(StoredPolicy), ref(StoredHalt), ref(StoredTrip), Type.Null()], { description });

export const AuditEntry = Type.Object(
  {
    id: Type.String({ description: 'unique and stable; opaque' }),
    at: Type.String({ description: 'ISO-8601: when the change was made (for expire: when the policy ended)' }),
    actor: Type.String({
      description: `the name of the token that made the change; "${ANONYMOUS_ACTOR}" on an open server, "${SYSTEM_ACTOR}" for expiry and stop conditions`,
    }),
    kind: AuditKindSchema,
    policy: Type.Optional(
      Type.String({ description: 'the policy changed (create, update, delete, expire, trip; resume of a stopped policy)' }),
    ),
    selector: Type.Optional(Selector),
    version: Type.Optional(
      Type.String({ description: 'the store revision the change was written at (absent for expire, which writes nothing)' }),
    ),
    before: storedOrNull('the stored policy, halt or trip before the change; null when there was none'),
    after: storedOrNull(
      'the stored policy, halt or trip after the change (for expire: the policy that ended; for trip: the trip); null when it is gone',
    ),
  },
  { ...CLOSED, $id: 'AuditEntry', description: 'One change to a policy or a halt.' },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditList = listOf(AuditEntry, 'AuditList', 'Audit entries, newest first.');
export type AuditList = Static<typeof AuditList>;

export const AuditQuery = Type.Object(
  {
    policy: Type.Optional(
      Type.String({
        maxLength: 63,
        description: "this policy's entries, and the halts and resumes that covered a selector it had; absent: every entry",
      }),
    ),
    kind: Type.Optional(AuditKindSchema),
    limit: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,6}$',
        description: `entries to answer, 1-${API_LIMITS.auditEntriesPerQuery} (default ${API_LIMITS.auditEntriesDefault})`,
      }),
    ),
  },
  { description: 'other parameters are ignored' },
);
export type AuditQuery = Static<typeof AuditQuery>;
