// Selectors, of policies, halts and stop conditions: which workloads (service, namespace) something is about.
import { type Static, Type } from '@sinclair/typebox';
import { CLOSED } from './schema.js';

export const Selector = Type.Object(
  {
    service: Type.String({ maxLength: 63, description: '"*" means every service' }),
    namespace: Type.String({ maxLength: 63, description: '"*" means every namespace' }),
  },
  CLOSED,
);
export type Selector = Static<typeof Selector>;

const SelectorField = Type.String({ maxLength: 63, description: '"*", "" or absent: any' });

/** A selector as users write it (a policy's, a halt's): a field left out, "*" or "" means any. */
export const SelectorInput = Type.Union([
  Type.Object({ service: Type.Optional(SelectorField), namespace: Type.Optional(SelectorField) }, CLOSED),
  Type.Literal('*'),
  Type.Literal(''),
]);
