// Paths resolved from the compiled location (dist/test/support/), so tests run from anywhere.
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI_BIN = fileURLToPath(new URL('../../../bin/hfi-cli.js', import.meta.url));
export const CONTROL_PLANE_BIN = fileURLToPath(new URL('../../../../control-plane/bin/hfi-control-plane.js', import.meta.url));
export const TESTDATA = fileURLToPath(new URL('../../../testdata/', import.meta.url));
export const GOLDEN = fileURLToPath(new URL('../../../testdata/golden/', import.meta.url));
