// Small TypeBox helpers shared by the contract's modules.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** Objects of the contract refuse fields they do not declare, unless a schema says otherwise. */
export const CLOSED = { additionalProperties: false } as const;

/** `T | null`. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** A reference to a component schema (one with `$id`), typed as the schema it names. */
export function ref<T extends TSchema>(schema: T) {
  if (schema.$id === undefined) throw new Error('ref(): the schema has no $id');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}

/** `{items: [...]}`, the envelope of every list the API answers. */
export function listOf<T extends TSchema>(item: T, $id: string, description: string) {
  return Type.Object({ items: Type.Array(ref(item)) }, { ...CLOSED, $id, description });
}
