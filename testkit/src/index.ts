// Test support shared by every workspace. Each module has one concern; this is the one entry point.

export { type Browser, type BrowserContext, chromiumExecutable, launchChromium, type Page } from './browser.js';
export { type Call, type CallingServiceOptions, type RunningCallingService, startCallingService } from './calling-service.js';
export {
  applyPolicy,
  type ControlPlaneOptions,
  type RunningControlPlane,
  runControlPlaneToExit,
  startControlPlane,
} from './control-plane.js';
export { pollAsDataPlane } from './dataplane.js';
export { type EtcdProcess, startEtcd } from './etcd.js';
export { type HfiProxyOptions, type RunningHfiProxy, startHfiProxy } from './hfi-proxy.js';
export { closeAgent, type Reply, request } from './http.js';
export { type LoadOptions, type RunningLoad, startLoad } from './load.js';
export { type MeshMember, type MeshOptions, type MeshSettings, type RunningMesh, startMesh } from './mesh.js';
export { metricValue, scrapeMetric } from './metrics.js';
export { controlPlaneBin, hfiCliBin, hfiProxyBin, hfiRecommenderBin, pluginWasm, repoRoot, wire3PluginWasm } from './paths.js';
export { freePort } from './ports.js';
export { cleanEnv, type LaunchOptions, launchNode, type RunningProcess, supervise } from './process.js';
export { type RawExchange, type RawOptions, rawBody, rawExchange } from './raw-http.js';
export { type RunningSystem, startSystem } from './system.js';
export { type RunningUpstream, startUpstream } from './upstream.js';
export { answersOk, refuses, type WaitOptions, waitFor } from './wait.js';
