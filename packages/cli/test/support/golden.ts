// Golden files under testdata/golden/. HFI_UPDATE_GOLDEN=1 rewrites them from the current output.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN } from './paths.js';

export interface NormaliseOptions {
  /** Tables: after replacing values, column widths may differ; compare columns, not padding. */
  table?: boolean;
}

/** Replaces what changes from run to run: timestamps, ages, store versions, epochs, hashes. */
function normalise(text: string, options: NormaliseOptions = {}): string {
  let out = text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<TIME>')
    .replace(/\b\d+[smhdy] ago\b/g, '<AGE> ago')
    .replace(/\bin \d+[smhdy]\b/g, 'in <AGE>')
    .replace(/("version": |version: )"\d+"/g, '$1"<VERSION>"')
    .replace(/("epoch": |epoch: )"?[0-9a-f]+"?/g, '$1<EPOCH>')
    .replace(/\bVersion: {6}\d+/g, 'Version:      <VERSION>')
    .replace(/("lastSeen": |lastSeen: )"?<TIME>"?/g, '$1<TIME>');
  if (options.table) out = realign(out.split('\n').map((line) => line.replace(/ +\d+[smhdy]$/, '   <AGE>')));
  return out;
}

/** Placeholders change cell widths: lay the columns out again the way the CLI does (3 spaces between). */
function realign(lines: string[]): string {
  const rows = lines.map((line) => (line === '' ? [] : line.split(/ {2,}/)));
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd((widths[i] ?? 0) + 3))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

export function assertGolden(name: string, actual: string, options: NormaliseOptions = {}): void {
  const path = join(GOLDEN, name);
  const normalised = normalise(actual, options);
  if (process.env.HFI_UPDATE_GOLDEN === '1') {
    writeFileSync(path, normalised);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`golden file ${path} is missing; run the tests with HFI_UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(normalised, expected, `output differs from ${path} (HFI_UPDATE_GOLDEN=1 rewrites it)`);
}
