// Query strings and path parameters of the API routes.
import { type Static, Type } from '@sinclair/typebox';
import { API_LIMITS } from './limits.js';
import { CLOSED } from './schema.js';

export const ApplyQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0'), Type.Literal('')], {
        description: 'true: validate, check the version and the limit, write nothing',
      }),
    ),
  },
  { description: 'other parameters are ignored' },
);
export type ApplyQuery = Static<typeof ApplyQuery>;

const IdentityText = Type.String({ maxLength: API_LIMITS.identityTextLength });

export const IdentityQuery = Type.Object(
  {
    service: Type.Optional(IdentityText),
    namespace: Type.Optional(IdentityText),
  },
  { description: 'neither: the whole rule set; one left out means "unknown" (only "*" selectors match it)' },
);
export type IdentityQuery = Static<typeof IdentityQuery>;

export const RuleSetQuery = Type.Object(
  {
    ...IdentityQuery.properties,
    wireVersion: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,5}$',
        description:
          'the form a data plane reading this wire version gets (5 or more: the compact form; 3 or less: tables inline); default the rule form (4)',
      }),
    ),
  },
  { description: IdentityQuery.description },
);
export type RuleSetQuery = Static<typeof RuleSetQuery>;

export const PolicyNameParams = Type.Object({ name: Type.String({ description: 'metadata.name' }) }, CLOSED);
export type PolicyNameParams = Static<typeof PolicyNameParams>;
