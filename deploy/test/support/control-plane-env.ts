// Which environment variables the control plane knows, read from its sources.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

const controlPlaneSrc = join(repoRoot, 'packages/control-plane/src');

/** Every NAME in a `get('NAME')` / `env.NAME` / `env['NAME']` read in the control plane's sources. */
export function knownEnvNames(): Set<string> {
  const names = new Set<string>();
  for (const file of tsFiles(controlPlaneSrc)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bget\('([A-Z][A-Z0-9_]+)'\)|\benv\.([A-Z][A-Z0-9_]+)\b|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) {
      names.add((m[1] ?? m[2] ?? m[3])!);
    }
  }
  return names;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`control plane sources not found at ${dir}`);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}
