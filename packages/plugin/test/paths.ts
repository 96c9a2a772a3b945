// Locations of build outputs, computed from this file so tests run from dist/test/ find them.
import { fileURLToPath } from 'node:url';

export const pluginWasmPath = fileURLToPath(new URL('../../build/hfi-fault-filter.wasm', import.meta.url));
export const policyWireFixtures = fileURLToPath(new URL('../../../policy/testdata/wire/', import.meta.url));
/** The repository's example plugin configurations (examples/plugin-config/). */
export const pluginConfigExamples = fileURLToPath(new URL('../../../../examples/plugin-config/', import.meta.url));
