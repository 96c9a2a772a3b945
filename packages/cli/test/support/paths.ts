// Paths resolved from the compiled location (dist/test/support/), so tests run from anywhere.
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TESTDATA = fileURLToPath(new URL('../../../testdata/', import.meta.url));
export const GOLDEN = fileURLToPath(new URL('../../../testdata/golden/', import.meta.url));
