// @hfi/proxy-host: a proxy-wasm host faithful to Envoy, its test API, and the pieces hfi-proxy is built from.

export { decodePairs, encodePairs } from './abi/pairs.js';
export { type AbiVersion, expectedExports, type FuncSig, hostImportTable, WASI_FUNCTIONS } from './abi/signatures.js';
export { WasmResult } from './abi/status.js';
export type { LocalReply, StreamSink, StreamState } from './context.js';
export type { Cluster, HttpCallOutcome, HttpCallRequest, HttpCallResponse } from './http-call.js';
export { ENVOY_DEFAULT_BUCKETS, StatsStore } from './metrics.js';
export { checkModule, type ModuleShape, readModuleShape } from './module-check.js';
export { type LoadedPlugin, loadPlugin, WorkerVm } from './plugin.js';
export type { EnvoyVersion, FailStrategy, HostServices, PluginConfig } from './plugin-config.js';
export { RealScheduler, type Scheduler, SimulatedScheduler } from './scheduler.js';
export type { ClusterHandler, HttpCallResult, LogEntry, TestHostOptions, TestVmView } from './testing/test-host.js';
export { createTestHost, TestHost, TestHttpStream } from './testing/test-host.js';
