import type { Document } from 'yaml';
import { isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { FieldError } from './types.js';

/** Aliases expand to copies: a small document must not be able to expand to gigabytes ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/**
 * Splits YAML (several documents) or JSON text into plain values; syntax errors become FieldErrors with `document`.
 * Never throws. Empty documents are skipped; `document` counts the non-empty documents of the file from 0, so when
 * there are no errors, `documents[i]` is document i. A JSON (or YAML flow) list at the top level holds one policy per item.
 */
export function parsePolicyDocuments(text: string): { documents: unknown[]; errors: FieldError[] } {
  const documents: unknown[] = [];
  const errors: FieldError[] = [];
  try {
    const lineCounter = new LineCounter();
    const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const list = 'empty' in parsed ? [] : parsed;
    let index = 0;
    for (const doc of list) {
      if (isEmptyDocument(doc)) continue;
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          const at = lineCounter.linePos(error.pos[0]);
          errors.push({
            path: '',
            message: `syntax error at line ${at.line}, column ${at.col}: ${firstLine(error.message)}`,
            document: index,
          });
        }
        index++;
        continue;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (error) {
        errors.push({
          path: '',
          message: `cannot be read: ${error instanceof Error ? firstLine(error.message) : String(error)}`,
          document: index,
        });
        index++;
        continue;
      }
      if (Array.isArray(value)) {
        for (const item of value) {
          documents.push(item);
          index++;
        }
      } else {
        documents.push(value);
        index++;
      }
    }
  } catch (error) {
    errors.push({
      path: '',
      message: `cannot be parsed: ${error instanceof Error ? firstLine(error.message) : String(error)}`,
      document: 0,
    });
  }
  return { documents, errors };
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
