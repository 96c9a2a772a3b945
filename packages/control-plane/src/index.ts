// Public entry point of @hfi/control-plane (for tests, benchmarks and embedding).
export { buildApp, BODY_LIMIT_BYTES, type BuildOptions } from './app.js';
export { loadConfig, ConfigError, DEFAULT_CONFIG, type ControlPlaneConfig, type AuthConfig } from './config/config.js';
export { ERROR_CODES, HfiError, type ErrorCode, type ErrorBody } from './errors.js';
export { MemoryPolicyStore } from './store/memory.js';
export { EtcdPolicyStore } from './store/etcd.js';
export type { PolicyStore, StoreEvent, PutOptions, PutResult } from './store/types.js';
export { RuleSetHub } from './distribution/hub.js';
export type { Clock, RandomHex } from './clock.js';
