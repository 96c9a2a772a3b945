// Starts the real control plane (its bin, as a child process) on a loopback port chosen by the OS.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { CONTROL_PLANE_BIN } from './paths.js';

export interface RunningControlPlane {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startControlPlane(env: Record<string, string> = {}): Promise<RunningControlPlane> {
  const child = spawn(process.execPath, [CONTROL_PLANE_BIN], {
    env: {
      PATH: process.env.PATH ?? '',
      CONTROL_PLANE_ADDR: '127.0.0.1',
      CONTROL_PLANE_PORT: '0',
      STORAGE_BACKEND: 'memory',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`control plane did not start within 20s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`control plane exited with ${code} before listening:\n${output}`));
    });
  });
  child.stdout?.resume(); // keep draining logs so the server never blocks on a full pipe
  child.stderr?.resume();
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Registers a data plane the way the plugin does: one poll, answered at once (holdMs 0). */
export async function pollAsDataPlane(
  url: string,
  poll: {
    instance: string;
    service: string | null;
    namespace: string | null;
    pod: string | null;
    counters?: Record<string, { aborts: number; delays: number }>;
  },
): Promise<void> {
  const rules = poll.counters ?? {};
  const totals = Object.values(rules).reduce((t, c) => ({ aborts: t.aborts + c.aborts, delays: t.delays + c.delays }), {
    aborts: 0,
    delays: 0,
  });
  const response = await fetch(`${url}/v1/dataplane/poll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      wireVersion: 1,
      identity: { service: poll.service, namespace: poll.namespace, pod: poll.pod },
      instance: poll.instance,
      epoch: '',
      version: 0,
      holdMs: 0,
      counters: { ...totals, rules },
    }),
  });
  await response.text();
  if (response.status !== 200 && response.status !== 304) throw new Error(`poll answered ${response.status}`);
}
