// The whole system on loopback, as tests that start it need it: a demo upstream, the real control plane,
// and hfi-proxy with the compiled plugin in front of the upstream, polling that control plane.
import { type ControlPlaneOptions, type RunningControlPlane, startControlPlane } from './control-plane.js';
import { type RunningHfiProxy, startHfiProxy } from './hfi-proxy.js';
import { type RunningUpstream, startUpstream } from './upstream.js';

export interface RunningSystem {
  upstream: RunningUpstream;
  controlPlane: RunningControlPlane;
  proxy: RunningHfiProxy;
  /** Stops all three, the proxy first. */
  stop(): Promise<void>;
}

export async function startSystem(options: { service: string; controlPlane?: ControlPlaneOptions }): Promise<RunningSystem> {
  const upstream = await startUpstream();
  const controlPlane = await startControlPlane(options.controlPlane);
  const proxy = await startHfiProxy({ upstream: upstream.url, controlPlane: controlPlane.url, service: options.service });
  return {
    upstream,
    controlPlane,
    proxy,
    stop: async () => {
      await proxy.stop();
      await controlPlane.stop();
      await upstream.close();
    },
  };
}
