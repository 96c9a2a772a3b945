// Search spaces for tests: the example mesh space, read once, and small variations of it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readSearchSpace, validateSearchSpace } from '../../src/space/read.js';
import type { SearchSpace } from '../../src/space/types.js';
import { MESH_SPACE } from './paths.js';

export const MESH_TEXT = readFileSync(MESH_SPACE, 'utf8');

export function meshSpace(): { space: SearchSpace; document: unknown } {
  const read = readSearchSpace(MESH_TEXT);
  if (!read.ok) throw new Error(`examples/recommender/mesh.yaml is invalid: ${JSON.stringify(read.errors)}`);
  return { space: read.space, document: read.document };
}

/** The mesh space with some top-level fields replaced. */
export function meshSpaceWith(changes: Record<string, unknown>): { space: SearchSpace; document: unknown } {
  const document = { ...(parse(MESH_TEXT) as Record<string, unknown>), ...changes };
  const read = validateSearchSpace(document);
  if (!read.ok) throw new Error(`invalid test space: ${JSON.stringify(read.errors)}`);
  return { space: read.space, document };
}
