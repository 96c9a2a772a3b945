// The real hfi-control-plane bin on a loopback port: started with a clean environment (the program's own
// defaults: memory store, info logs as JSON) plus what the test gives, ready once /ready answers.
import { controlPlaneBin } from './paths.js';
import { freePort } from './ports.js';
import { type LaunchOptions, launchNode, type RunningProcess, untilReady } from './process.js';
import { answersOk } from './wait.js';

export interface ControlPlaneOptions extends LaunchOptions {
  /** A port to listen on (e.g. the one a stopped control plane had); a free one by default. */
  port?: number;
  /** Another build of the program (benchmarks compare them); the repository's bin by default. */
  bin?: string;
  /** How long it may take to be ready (a cold start on a large store takes longer than the default 30 s). */
  readyTimeoutMs?: number;
}

export interface RunningControlPlane extends RunningProcess {
  url: string;
  port: number;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<RunningControlPlane> {
  const { bin = controlPlaneBin, port = await freePort(), readyTimeoutMs, ...launch } = options;
  // Last, so that it wins over an address from the test's env or --config file: tests listen on loopback only.
  const env = { ...launch.env, CONTROL_PLANE_ADDR: `127.0.0.1:${port}` };
  const proc = launchNode(bin, { ...launch, env });
  const url = `http://127.0.0.1:${port}`;
  await untilReady(proc, 'hfi-control-plane', () => answersOk(`${url}/ready`), readyTimeoutMs);
  return { ...proc, url, port };
}

/** Runs the bin expecting it to refuse to start; resolves with its exit code and output. */
export async function runControlPlaneToExit(options: LaunchOptions = {}): Promise<{ code: number | null; output: string }> {
  const proc = launchNode(controlPlaneBin, options);
  const timer = setTimeout(() => void proc.kill(), 15_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}

/** Writes a policy through the API as hfi-cli would, failing with the server's answer when it is refused. */
export async function applyPolicy(controlPlaneUrl: string, policy: unknown): Promise<void> {
  const res = await fetch(`${controlPlaneUrl}/v1/policies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(policy),
  });
  const body = await res.text();
  if (res.status >= 300) throw new Error(`applying the policy failed: ${res.status} ${body}`);
}
