// JSON text -> one value, refusing what JSON.parse accepts silently: a key given twice (the last one would
// win: `rules` twice turned a 1% fault into 100%), nesting deeper than LIMITS.nestingDepth and objects with
// more than LIMITS.objectKeys keys (or the caller's limits). jsonc-parser scans the text first (a streaming visitor, no tree is
// built, so a hostile body costs no memory), and stops at the first such problem; JSON.parse then builds
// the value of text already known to be good.
import { type JSONPath, printParseErrorCode, visit } from 'jsonc-parser';
import { childPath } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { FieldError } from '../types.js';

/** Thrown from inside the visitor to stop scanning at the first structural refusal. */
class Refused extends Error {
  constructor(readonly error: FieldError) {
    super(error.message);
  }
}

/** Structural bounds checked while scanning; policies use LIMITS', a data plane's poll its own (its counters map is larger). */
export interface JsonShapeLimits {
  nestingDepth: number;
  objectKeys: number;
}

const POLICY_SHAPE: JsonShapeLimits = { nestingDepth: LIMITS.nestingDepth, objectKeys: LIMITS.objectKeys };

export function readJson(text: string, limits: JsonShapeLimits = POLICY_SHAPE): { value?: unknown; errors: FieldError[] } {
  const errors: FieldError[] = [];
  /** Keys seen per open object; `undefined` for an open list. */
  const open: (Set<string> | undefined)[] = [];
  const enter = (keys: Set<string> | undefined, line: number, column: number, path: () => JSONPath): void => {
    open.push(keys);
    if (open.length > limits.nestingDepth) {
      refuse(fieldPath(path()), `${at(line, column)}: objects and lists are nested more than ${limits.nestingDepth} deep`);
    }
  };
  try {
    visit(
      text,
      {
        onObjectBegin: (_offset, _length, line, column, path) => enter(new Set(), line, column, path),
        onArrayBegin: (_offset, _length, line, column, path) => enter(undefined, line, column, path),
        onObjectEnd: () => void open.pop(),
        onArrayEnd: () => void open.pop(),
        onObjectProperty: (key, _offset, _length, line, column, path) => {
          const keys = open.at(-1);
          if (!keys) return;
          const where = childPath(fieldPath(path()), key);
          if (keys.has(key)) {
            refuse(where, `${at(line, column)}: duplicate key ${JSON.stringify(key)}: a key may appear only once in an object`);
          }
          keys.add(key);
          if (keys.size > limits.objectKeys) refuse(where, `${at(line, column)}: an object may have at most ${limits.objectKeys} keys`);
        },
        onError: (code, _offset, _length, line, column) => {
          errors.push({ path: '', message: `syntax error at ${at(line, column)}: ${describeCode(printParseErrorCode(code))}` });
        },
      },
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
  } catch (error) {
    if (error instanceof Refused) return { errors: [error.error] };
    throw error;
  }
  if (errors.length > 0) return { errors: errors.slice(0, 1) };
  try {
    return { value: JSON.parse(text), errors };
  } catch (error) {
    // The scan above accepts nothing JSON.parse refuses; kept so that no text can make reading throw.
    return { errors: [{ path: '', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
}

/**
 * JSON text -> one value by JSON.parse, refusing only nesting deeper than `nestingDepth` (counted in one
 * pass over the characters, strings skipped, before parsing: a deeply nested body is cheap to refuse and
 * costly to parse). A key given twice is not refused (the last one wins), nor is any width (the body limit
 * bounds the text). For bodies read so often that the structural scan of readJson would double their cost,
 * and whose duplicate keys change no policy (data-plane polls).
 */
export function readPlainJson(text: string, nestingDepth: number = LIMITS.nestingDepth): { value?: unknown; errors: FieldError[] } {
  const deepAt = firstTooDeep(text, nestingDepth);
  if (deepAt >= 0)
    return { errors: [{ path: '', message: `at offset ${deepAt}: objects and lists are nested more than ${nestingDepth} deep` }] };
  try {
    return { value: JSON.parse(text), errors: [] };
  } catch (error) {
    return { errors: [{ path: '', message: (error as Error).message }] };
  }
}

/** The offset of the first `{` or `[` (outside strings) that opens level `nestingDepth + 1`, or -1. */
function firstTooDeep(text: string, nestingDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > nestingDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

function refuse(path: string, message: string): never {
  throw new Refused({ path, message });
}

/** jsonc-parser's path segments -> `spec.rules[0]`. */
function fieldPath(path: JSONPath): string {
  return path.reduce<string>((parent, segment) => childPath(parent, segment), '');
}

/** jsonc-parser counts lines and columns from 0. */
function at(line: number, column: number): string {
  return `line ${line + 1}, column ${column + 1}`;
}

/** `PropertyNameExpected` -> `property name expected`. */
function describeCode(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
