// Public entry point of @hfi/control-plane (for tests, benchmarks and embedding).
export { type BuildOptions, buildApp } from './app.js';
export type { Clock, RandomHex } from './clock.js';
export { type AuthConfig, ConfigError, type ControlPlaneConfig, DEFAULT_CONFIG, loadConfig } from './config/config.js';
export { RuleSetHub } from './distribution/hub.js';
export { HfiError } from './errors.js';
export { EtcdPolicyStore } from './store/etcd.js';
export { MemoryPolicyStore } from './store/memory.js';
export type { PolicyStore, PutOptions, PutResult, StoreEvent } from './store/types.js';
