// Checks a value against a contract schema and reports each problem as {path, message}, the API's
// error detail: the path in the policy validator's notation (`counters.rules["a/0"].aborts`).
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { childPath, describe } from './describe.js';
import type { ErrorDetail } from './errors.js';

export interface Checker<T> {
  check(value: unknown): value is T;
  /** Every problem, one per field, in document order. */
  errors(value: unknown): ErrorDetail[];
}

/** Details beyond this many are summarised: a huge bad body must not make a huge answer. */
const MAX_DETAILS = 50;

/** `references`: the component schemas that `schema` refers to by `$id`. */
export function compileChecker<T extends TSchema>(schema: T, references: TSchema[] = []): Checker<Static<T>> {
  const compiled = TypeCompiler.Compile(schema, references);
  return {
    check: (value): value is Static<T> => compiled.Check(value),
    errors: (value) => {
      const details: ErrorDetail[] = [];
      const seen = new Set<string>();
      for (const error of explained(compiled.Errors(value))) {
        const path = pathOf(value, error.path);
        if (seen.has(path)) continue;
        seen.add(path);
        if (details.length === MAX_DETAILS) {
          details.push({ path: '', message: 'more problems not listed' });
          break;
        }
        details.push({ path, message: messageOf(error) });
      }
      return details;
    },
  };
}

/**
 * A value that fits no variant of a union (`number | null`, one of the matcher forms) is explained by the
 * errors of the variant it came closest to, the one whose first error lies deepest: "httpStatus: expected
 * at most 599" says more than "no variant matched". Unions of literals keep their own message (the values).
 */
function* explained(errors: Iterable<ValueError>): Generator<ValueError> {
  for (const error of errors) {
    if (error.type !== ValueErrorType.Union || isLiteralUnion(error.schema)) {
      yield error;
      continue;
    }
    let best: ValueError[] | undefined;
    for (const variant of error.errors) {
      const found = [...variant];
      const first = found[0];
      const bestFirst = best?.[0];
      if (
        first &&
        (!bestFirst || depth(first.path) > depth(bestFirst.path) || (depth(first.path) === depth(bestFirst.path) && isNull(bestFirst)))
      ) {
        best = found;
      }
    }
    const bestFirst = best?.[0];
    if (best && bestFirst && (depth(bestFirst.path) > depth(error.path) || !isNull(bestFirst))) yield* explained(best);
    else yield error;
  }
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length;
}

/** An error of the `null` variant says nothing useful about a value that was never meant to be null. */
function isNull(error: ValueError): boolean {
  return error.type === ValueErrorType.Null;
}

function isLiteralUnion(schema: TSchema): boolean {
  const variants = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  return Array.isArray(variants) && variants.every((v) => v.const !== undefined);
}

/** A JSON pointer (`/counters/rules/a~1b`) as a field path; array indexes as `[i]`. */
function pathOf(root: unknown, pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      path = childPath(path, Number(key));
      node = node[Number(key)];
    } else {
      path = childPath(path, key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function messageOf(error: ValueError): string {
  const schema = error.schema as TSchema & { const?: unknown; anyOf?: TSchema[]; description?: string };
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown field';
    case ValueErrorType.Literal:
      return `expected ${JSON.stringify(schema.const)}, found ${describe(error.value)}`;
    case ValueErrorType.Union: {
      if (isLiteralUnion(schema)) {
        const values = (schema.anyOf ?? []).map((s) => JSON.stringify((s as { const?: unknown }).const));
        return `expected one of ${values.join(', ')}, found ${describe(error.value)}`;
      }
      return `expected ${schema.description ?? 'a value of one of the allowed forms'}, found ${describe(error.value)}`;
    }
    default: {
      const text = error.message.charAt(0).toLowerCase() + error.message.slice(1);
      return `${text}, found ${describe(error.value)}`;
    }
  }
}
