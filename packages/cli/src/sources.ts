// Reads the files named with -f: a file, a directory (recursively: *.yaml, *.yml, *.json, sorted) or "-" (stdin).
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './errors.js';

export interface SourceFile {
  /** How errors name it: the path as given (joined below a directory), or `<stdin>`. */
  label: string;
  text: string;
}

const POLICY_FILE = /\.(ya?ml|json)$/i;

export async function readSources(paths: readonly string[], readStdin: () => Promise<string>): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  let stdinUsed = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinUsed) throw new CliError('-f - (stdin) can be given only once');
      stdinUsed = true;
      files.push({ label: '<stdin>', text: await readStdin() });
      continue;
    }
    for (const file of await expand(path)) files.push({ label: file, text: await readText(file) });
  }
  return files;
}

async function expand(path: string): Promise<string[]> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${describeFsError(error)}`);
  }
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  await walk(path, found);
  if (found.length === 0) throw new CliError(`${path}: no *.yaml, *.yml or *.json files in this directory`);
  return found;
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (POLICY_FILE.test(entry.name)) found.push(path);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${describeFsError(error)}`);
  }
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}
