// A real program in a child process: a clean environment, its output kept for failure messages, and a
// stop that always ends it.
import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from './wait.js';

export interface RunningProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it) once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it lingers; resolves with the exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
  /** SIGKILL at once, as a crash would end it. */
  kill(): Promise<void>;
}

export interface LaunchOptions {
  args?: readonly string[];
  /** Added to the clean environment. */
  env?: Record<string, string>;
  /** Options for node itself, before the script. */
  nodeArgs?: readonly string[];
  cwd?: string;
}

/** How long a stopped process may take to exit before it is killed. */
const STOP_GRACE_MS = 10_000;

/** This process's PATH, HOME and TMPDIR only, so that no HFI_*, STORAGE_* or NODE_* setting leaks into a child. */
export function cleanEnv(env: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  return { ...base, ...env };
}

/** Starts `node <script>`. The output is read continuously, so a chatty child never blocks on a full pipe. */
export function launchNode(script: string, options: LaunchOptions = {}): RunningProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return supervise(child);
}

/** Wraps a spawned child whose stdout and stderr are pipes. */
export function supervise(child: ChildProcess): RunningProcess {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const signal = async (name: NodeJS.Signals): Promise<number | null> => {
    if (!hasExited()) child.kill(name);
    return exited;
  };
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (hasExited()) return exited;
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      const code = await signal('SIGTERM');
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (!hasExited()) child.kill('SIGCONT'); // a paused (SIGSTOP) process must run to die
      await signal('SIGKILL');
    },
  };
}

/**
 * Waits until `ready` holds. If the process exits first, or the wait times out, it is killed and the
 * error carries its output: the reason it did not start is usually there.
 */
export async function untilReady(
  proc: RunningProcess,
  what: string,
  ready: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await waitFor(
      () => {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
          throw new Error(
            `${what} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was ready; its output:\n${proc.output()}`,
          );
        }
        return ready();
      },
      { what: () => `${what} to be ready; its output:\n${proc.output()}`, timeoutMs },
    );
  } catch (error) {
    await proc.kill();
    throw error;
  }
}
