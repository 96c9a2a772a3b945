// Policy text -> plain values. YAML (several documents) and JSON have one reader each (parse/yaml.ts,
// parse/json.ts); both refuse duplicate keys, and bound nesting and object sizes while parsing.
import type { FieldError } from '../types.js';
import { readJson } from './json.js';
import { readYamlDocuments } from './yaml.js';

export type PolicyTextFormat = 'yaml' | 'json';

/**
 * Splits YAML (several documents) or JSON text into plain values; errors become FieldErrors with `document`.
 * Never throws. Empty YAML documents are skipped; `document` counts the non-empty documents of the text from 0,
 * so when there are no errors, `documents[i]` is document i. A list at the top level holds one policy per item.
 * YAML is the default (JSON is YAML too, but reading it as JSON is about 20 times faster).
 */
export function parsePolicyDocuments(
  text: string,
  options: { format?: PolicyTextFormat } = {},
): { documents: unknown[]; errors: FieldError[] } {
  const documents: unknown[] = [];
  const errors: FieldError[] = [];
  let index = 0;
  const add = (value: unknown): void => {
    for (const item of Array.isArray(value) ? value : [value]) {
      documents.push(item);
      index++;
    }
  };
  try {
    if (options.format === 'json') {
      const read = readJson(text);
      if (read.errors.length > 0) errors.push(...read.errors.map((e) => ({ ...e, document: 0 })));
      else add(read.value);
      return { documents, errors };
    }
    for (const doc of readYamlDocuments(text)) {
      if (!('value' in doc)) {
        errors.push(...doc.errors.map((e) => ({ ...e, document: index })));
        index++;
      } else add(doc.value);
    }
  } catch (error) {
    errors.push({
      path: '',
      message: `cannot be parsed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      document: index,
    });
  }
  return { documents, errors };
}
