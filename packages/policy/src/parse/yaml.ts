// YAML text -> its documents, bounded while parsing: the lexer's tokens are fed to the parser one by one and
// the open collections counted after each, so a deeply nested or very wide body is refused before it is
// built (a 200 KB body nested 100,000 deep took 120 MB and seconds to build). Duplicate keys are refused
// naming the key's field path; aliases may expand to at most MAX_ALIAS_COUNT copies ("billion laughs").
import type { Document } from 'yaml';
import { Composer, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, visit } from 'yaml';
import { childPath } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { FieldError } from '../types.js';

const MAX_ALIAS_COUNT = 100;
const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** One non-empty document of the text: its value, or why it cannot be read. */
export type YamlDocument = { value: unknown; errors: [] } | { errors: FieldError[] };

class TooLarge extends Error {}

export function readYamlDocuments(text: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer({ uniqueKeys: true });
  const position = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  function* tokens() {
    lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme);
      checkBounds(parser, position);
    }
    yield* parser.end();
  }
  const documents: YamlDocument[] = [];
  try {
    for (const doc of composer.compose(tokens())) {
      if (isEmptyDocument(doc)) continue;
      documents.push(read(doc, position));
    }
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    documents.push({ errors: [{ path: '', message: error.message }] });
  }
  return documents;
}

/** Open collections in the parser's stack, and the keys of each open mapping. */
function checkBounds(parser: Parser, position: (offset: number) => string): void {
  let depth = 0;
  for (const token of parser.stack) {
    if (!COLLECTIONS.has(token.type)) continue;
    depth++;
    const items = (token as { items?: unknown[] }).items;
    const isMapping = token.type === 'block-map' || (token as { start?: { source?: string } }).start?.source === '{';
    if (isMapping && items && items.length > LIMITS.objectKeys) {
      throw new TooLarge(`${position(parser.offset)}: a mapping may have at most ${LIMITS.objectKeys} keys`);
    }
  }
  if (depth > LIMITS.nestingDepth) {
    throw new TooLarge(`${position(parser.offset)}: mappings and lists are nested more than ${LIMITS.nestingDepth} deep`);
  }
}

function read(doc: Document.Parsed, position: (offset: number) => string): YamlDocument {
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((error) =>
        error.code === 'DUPLICATE_KEY'
          ? duplicateKey(doc, error.pos[0], position)
          : { path: '', message: `syntax error at ${position(error.pos[0])}: ${firstLine(error.message)}` },
      ),
    };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), errors: [] };
  } catch (error) {
    return { errors: [{ path: '', message: `cannot be read: ${error instanceof Error ? firstLine(error.message) : String(error)}` }] };
  }
}

/** The duplicate key's field path, found by walking to the pair whose key starts at `offset`. */
function duplicateKey(doc: Document.Parsed, offset: number, position: (offset: number) => string): FieldError {
  let path = '';
  let key = '';
  visit(doc, {
    Pair(_index, pair, ancestors) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      key = String(pair.key.value);
      path = childPath(pathOf(ancestors), key);
      return visit.BREAK;
    },
  });
  return { path, message: `${position(offset)}: duplicate key ${JSON.stringify(key)}: a key may appear only once in a mapping` };
}

/** Field path of a node from its ancestors (document, mappings, pairs, lists). */
function pathOf(ancestors: readonly unknown[]): string {
  let path = '';
  ancestors.forEach((node, i) => {
    const child = ancestors[i + 1];
    if (isMap(node) || child === undefined) return;
    if (isSeq(node)) path = childPath(path, node.items.indexOf(child as never));
    else if (node && typeof node === 'object' && 'key' in node && isScalar((node as { key: unknown }).key)) {
      path = childPath(path, String((node as { key: { value: unknown } }).key.value));
    }
  });
  return path;
}

/** `---` with nothing after it parses as a zero-width null scalar; a written `null` has width and is kept. */
function isEmptyDocument(doc: Document.Parsed): boolean {
  if (doc.errors.length > 0) return false;
  const contents = doc.contents;
  if (contents === null) return true;
  return isScalar(contents) && contents.value === null && contents.range[0] === contents.range[1];
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n');
  return newline === -1 ? message : message.slice(0, newline);
}
