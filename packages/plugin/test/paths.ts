// Locations of build outputs, computed from this file so tests run from dist/test/ find them.
import { fileURLToPath } from 'node:url';

export const pluginWasmPath = fileURLToPath(new URL('../../build/hfi-fault-filter.wasm', import.meta.url));
export const policyWireFixtures = fileURLToPath(new URL('../../../policy/testdata/wire/', import.meta.url));
/** Frozen fixtures of the inline form (wire versions 1-3: each regex carries its own table), as older control planes send. */
export const policyCompactWireFixtures = fileURLToPath(new URL('../../../policy/testdata/wire-compact/', import.meta.url));
export const policyInlineWireFixtures = fileURLToPath(new URL('../../../policy/testdata/wire-inline/', import.meta.url));
/** The repository's example plugin configurations (examples/plugin-config/). */
export const pluginConfigExamples = fileURLToPath(new URL('../../../../examples/plugin-config/', import.meta.url));
/** The plugin as built before wire version 4 (it reads versions 1 to 3): an old data plane meeting a new control plane. */
export const wire3PluginWasmPath = fileURLToPath(new URL('../../test/fixtures/hfi-fault-filter-wire3.wasm', import.meta.url));
