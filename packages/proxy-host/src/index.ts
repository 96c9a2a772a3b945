// @hfi/proxy-host: a proxy-wasm host faithful to Envoy, its test API, and the pieces hfi-proxy is built from.
export { createTestHost, TestHost, TestHttpStream } from './testing/test-host.js';
export type { ClusterHandler, HttpCallResult, TestHostOptions, LogEntry, TestVmView } from './testing/test-host.js';
export type { HttpCallRequest, HttpCallResponse, HttpCallOutcome, Cluster } from './http-call.js';
export type { LocalReply, StreamSink, StreamState } from './context.js';
export { loadPlugin, WorkerVm, type LoadedPlugin } from './plugin.js';
export type { PluginConfig, HostServices, EnvoyVersion, FailStrategy } from './plugin-config.js';
export { StatsStore, ENVOY_DEFAULT_BUCKETS } from './metrics.js';
export { SimulatedScheduler, RealScheduler, type Scheduler } from './scheduler.js';
export { readModuleShape, checkModule, type ModuleShape } from './module-check.js';
export { hostImportTable, expectedExports, WASI_FUNCTIONS, type AbiVersion, type FuncSig } from './abi/signatures.js';
export { encodePairs, decodePairs } from './abi/pairs.js';
export { WasmResult } from './abi/status.js';
