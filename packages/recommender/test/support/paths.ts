// Paths resolved from the compiled location (dist/test/support/), so tests run from anywhere.
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/hfi-recommender.js', import.meta.url));
export const TESTDATA = fileURLToPath(new URL('../../../testdata/', import.meta.url));
export const MESH_SPACE = fileURLToPath(new URL('../../../../../examples/recommender/mesh.yaml', import.meta.url));
