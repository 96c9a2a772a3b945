// Reading a Dockerfile and its ignore file the way BuildKit does, for the tests that check them without
// a Docker engine (there is none on the machines these tests run on).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dockerRoot, repoRoot } from './paths.js';

/** Instructions with continuation lines joined and comments dropped. */
export function instructions(file: string): { op: string; args: string }[] {
  const text = readFileSync(join(dockerRoot, file), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The ignore file's verdict on a context path: last matching pattern wins, `!` re-includes. */
export function ignored(ignoreFile: string, path: string): boolean {
  const patterns = readFileSync(join(dockerRoot, ignoreFile), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let verdict = false;
  for (const p of patterns) {
    const negate = p.startsWith('!');
    const glob = negate ? p.slice(1) : p;
    const re = new RegExp(
      '^' +
        glob
          .split('**')
          .map((part) =>
            part
              .split('*')
              .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('[^/]*'),
          )
          .join('.*') +
        '(/.*)?$',
    );
    if (re.test(path)) verdict = !negate;
  }
  return verdict;
}

/** A file, or the files a directory COPY sends (tests beside the code are left out on purpose). */
export function filesUnder(source: string): string[] {
  const path = join(repoRoot, source);
  if (!existsSync(path) || !statSync(path).isDirectory()) return [source];
  return readdirSync(path)
    .flatMap((name) => filesUnder(`${source}/${name}`))
    .filter((f) => !f.endsWith('.test.ts'));
}
