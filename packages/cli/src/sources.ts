// Reads the files named with -f: a file, a directory (recursively: *.yaml, *.yml, *.json, sorted) or "-" (stdin).
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CliError } from './errors.js';

export interface SourceFile {
  /** How errors name it: the path as given (joined below a directory), or `<stdin>`. */
  label: string;
  text: string;
}

const POLICY_FILE = /\.(ya?ml|json)$/i;

/** Where the files are read: relative paths resolve against `cwd`; stdin is `-`. */
export interface SourceIo {
  cwd: string;
  readStdin(): Promise<string>;
}

export async function readSources(paths: readonly string[], io: SourceIo): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  let stdinUsed = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinUsed) throw new CliError('-f - (stdin) can be given only once');
      stdinUsed = true;
      files.push({ label: '<stdin>', text: await io.readStdin() });
      continue;
    }
    for (const file of await expand(path, io.cwd)) files.push({ label: file, text: await readText(resolve(io.cwd, file)) });
  }
  return files;
}

async function expand(path: string, cwd: string): Promise<string[]> {
  let info: Stats;
  try {
    info = await stat(resolve(cwd, path));
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${describeFsError(error)}`);
  }
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  await walk(path, cwd, found);
  if (found.length === 0) throw new CliError(`${path}: no *.yaml, *.yml or *.json files in this directory`);
  return found;
}

/** Collects paths as given (joined below `dir`); reads resolve them against `cwd`. */
async function walk(dir: string, cwd: string, found: string[]): Promise<void> {
  const entries = await readdir(resolve(cwd, dir), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, cwd, found);
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
