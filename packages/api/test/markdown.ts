// Reads the tables of the user docs, so that tests can hold them against the code.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const docs = fileURLToPath(new URL('../../../../docs/', import.meta.url));

export function readDoc(name: string): string {
  return readFileSync(docs + name, 'utf8');
}

/** The rows (cells trimmed, `\|` unescaped, header and rule lines left out) of the first table after `heading`. */
export function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const first = lines.findIndex((line, i) => i > start && line.startsWith('|'));
  if (first < 0) throw new Error(`no table after "${heading}"`);
  const rows: string[][] = [];
  for (let i = first; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return rows.filter((row, i) => i !== 0 && !row.every((cell) => /^:?-+:?$/.test(cell)));
}

function cells(line: string): string[] {
  return line
    .slice(1, line.endsWith('|') ? -1 : undefined)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** `code` spans stripped: "`HFI_NOT_FOUND`" -> "HFI_NOT_FOUND". */
export function unquote(cell: string): string {
  return cell.replace(/^`(.*)`$/, '$1');
}
