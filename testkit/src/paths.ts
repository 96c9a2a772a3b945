// Where the repository's bins and built artifacts are. Testkit runs them by path, as a user runs them
// from a checkout, and does not depend on their packages: their own tests depend on testkit.
import { fileURLToPath } from 'node:url';

const fromRoot = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url)); // from testkit/dist/src/

export const repoRoot = fromRoot('');
export const controlPlaneBin = fromRoot('packages/control-plane/bin/hfi-control-plane.js');
export const hfiProxyBin = fromRoot('packages/proxy-host/bin/hfi-proxy.js');
export const hfiCliBin = fromRoot('packages/cli/bin/hfi-cli.js');
export const hfiRecommenderBin = fromRoot('packages/recommender/bin/hfi-recommender.js');
export const pluginWasm = fromRoot('packages/plugin/build/hfi-fault-filter.wasm');
/** The plugin as built at 1bac7ab (it reads wire versions 1 to 3): an old data plane meeting this control plane. */
export const wire3PluginWasm = fromRoot('packages/plugin/test/fixtures/hfi-fault-filter-wire3.wasm');
