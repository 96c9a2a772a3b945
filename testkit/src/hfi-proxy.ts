// The real hfi-proxy bin, running the built plugin (its default) unless told otherwise, on ports the OS
// picks; ready once it prints where it listens.
import { hfiProxyBin } from './paths.js';
import { launchNode, type RunningProcess, untilReady } from './process.js';

export interface HfiProxyOptions {
  /** The service behind the proxy. */
  upstream: string;
  /** Where the plugin polls; a port nothing listens on is fine for --no-plugin. */
  controlPlane?: string;
  /** The service this sidecar fronts (node metadata WORKLOAD_NAME); namespace is "demo". */
  service?: string;
  /** More flags, after the defaults, so that they win (e.g. --no-plugin, --plugin-config, --log-level). */
  args?: readonly string[];
  env?: Record<string, string>;
}

export interface RunningHfiProxy extends RunningProcess {
  /** Where requests go. */
  url: string;
  /** The admin endpoint: /stats/prometheus, /ready. */
  admin: string;
}

const LISTENING = /listening on (http:\/\/[\d.]+:\d+) .*admin (http:\/\/[\d.]+:\d+)/;

export async function startHfiProxy(options: HfiProxyOptions): Promise<RunningHfiProxy> {
  const args = [
    ...['--listen', '0', '--admin', '0', '--upstream', options.upstream],
    ...(options.controlPlane ? ['--control-plane', options.controlPlane] : []),
    ...(options.service ? ['--service', options.service] : []),
    ...['--namespace', 'demo', '--log-level', 'warn'],
    ...(options.args ?? []),
  ];
  const proc = launchNode(hfiProxyBin, { args, env: options.env });
  await untilReady(proc, 'hfi-proxy', () => LISTENING.test(proc.output()));
  const [, url = '', admin = ''] = LISTENING.exec(proc.output()) ?? [];
  return { ...proc, url, admin };
}
