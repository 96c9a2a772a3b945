// Where a field error belongs in the text the user wrote: the server's `details[].path`
// (`spec.rules[0].fault.percentage`) found in the YAML by the same parser the server uses. A field that is
// missing is shown at the nearest part of its path that exists (a required field left out of a rule is
// shown at the rule); a syntax error at the position the parser reports.
import { splitPath } from '@hfi/api/constants';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

export interface PlacedError {
  /** 1-based line of the text; undefined when the text cannot be read at all. */
  line: number | undefined;
  /** The field path as the server named it ('' for the whole document). */
  path: string;
  message: string;
  /** False when the field itself is absent and `line` is that of its nearest existing parent. */
  exact: boolean;
}

export interface FieldDetail {
  path: string;
  message: string;
}

/** Places each of the server's field errors at a line of `text`. */
export function placeErrors(text: string, details: readonly FieldDetail[]): PlacedError[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const syntax = doc.errors[0];
  return details.map(({ path, message }) => {
    if (syntax && path === '') return { line: lines.linePos(syntax.pos[0]).line, path, message, exact: true };
    const found = locate(doc.contents, splitPath(path) ?? []);
    const line = found.node?.range ? lines.linePos(found.key?.range?.[0] ?? found.node.range[0]).line : undefined;
    return { line, path, message, exact: found.exact };
  });
}

/** Syntax errors of `text` as the parser reports them, for text the server refused to read. */
export function syntaxErrors(text: string): PlacedError[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  return doc.errors.map((e) => ({ line: lines.linePos(e.pos[0]).line, path: '', message: firstLine(e.message), exact: true }));
}

interface Located {
  node: Node | null | undefined;
  /** The key of the last mapping entry walked through: its line is where a person looks for the field. */
  key: Node | null | undefined;
  exact: boolean;
}

function locate(root: unknown, path: readonly (string | number)[]): Located {
  let node = root as Node | null | undefined;
  let key: Node | null | undefined;
  for (const segment of path) {
    let next: { node: Node | null | undefined; key: Node | null | undefined } | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair) next = { node: pair.value as Node | null, key: pair.key as Node };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item) next = { node: item, key: item };
    }
    if (!next) return { node, key, exact: false };
    // A key with no value (`percentage:`) has a null value node: its key still marks the line.
    node = next.node ?? next.key;
    key = next.key;
  }
  return { node, key, exact: true };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
