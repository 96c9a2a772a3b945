// What a plugin is configured with (Envoy's PluginBase + VmConfig) and what the host provides to it.
import type { ClusterRegistry } from './http-call.js';
import type { StatsStore } from './metrics.js';
import type { PropertyTree } from './properties.js';
import type { Scheduler } from './scheduler.js';

export type EnvoyVersion = '1.32' | '1.33';
export type FailStrategy = 'open' | 'closed';

export interface PluginConfig {
  /** Envoy plugin name (Istio: `<namespace>.<wasmplugin name>`): property `plugin_name`. */
  name: string;
  /** Property `plugin_root_id` (Istio: the WasmPlugin's pluginName, default ''). */
  rootId: string;
  vmId: string;
  vmConfig: Uint8Array;
  pluginConfig: Uint8Array;
  failStrategy: FailStrategy;
  envoyVersion: EnvoyVersion;
  /** Node metadata (Istio: WORKLOAD_NAME, NAMESPACE, NAME, ...). */
  nodeMetadata: PropertyTree;
  nodeId: string;
  /** VmConfig environment variables, exposed through WASI environ_*. */
  env: Record<string, string>;
  /** proxy_get_log_level answer (0 trace .. 5 critical); lower levels are still recorded. */
  logLevel: number;
}

export interface HostServices {
  scheduler: Scheduler;
  /** Fills the buffer with random bytes (random_get). */
  randomBytes(buf: Uint8Array): void;
  clusters: ClusterRegistry;
  stats: StatsStore;
  /** level 0..5 (trace..critical); worker -1 = base or canary VM. */
  log(level: number, message: string, worker: number): void;
  /** Process-wide shared data (proxy_get/set_shared_data). */
  sharedData: Map<string, { value: Uint8Array; cas: number }>;
}
