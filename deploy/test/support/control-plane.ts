// Starts the real hfi-control-plane bin on a free loopback port, and reads which environment
// variables the control plane knows from its sources.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { answersOk, waitFor } from './wait.js';

const controlPlaneBin = join(repoRoot, 'packages/control-plane/bin/hfi-control-plane.js');
const controlPlaneSrc = join(repoRoot, 'packages/control-plane/src');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningControlPlane {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Environment for a child: this process's PATH and HOME only, so no HFI_* setting leaks in. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR']) if (process.env[key]) env[key] = process.env[key]!;
  return env;
}

export async function startControlPlane(args: string[], env: Record<string, string>): Promise<RunningControlPlane> {
  if (!existsSync(join(repoRoot, 'packages/control-plane/dist/src/main.js'))) {
    throw new Error('packages/control-plane is not built (dist/src/main.js missing): build it before the deploy tests');
  }
  const port = await freePort();
  const child = spawn(process.execPath, [controlPlaneBin, ...args], {
    env: { ...baseEnv(), ...env, CONTROL_PLANE_ADDR: `127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child);
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`hfi-control-plane exited with ${child.exitCode}:\n${output}`);
        return answersOk(`${url}/health`);
      },
      'hfi-control-plane answers /health',
      { detail: () => output },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

/** Runs the bin expecting it to refuse to start; resolves with its exit code and output. */
export async function runToExit(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [controlPlaneBin, ...args], {
    env: { ...baseEnv(), CONTROL_PLANE_ADDR: `0.0.0.0:${port}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Every NAME in a `get('NAME')` / `env.NAME` / `env['NAME']` read in the control plane's sources. */
export function knownEnvNames(): Set<string> {
  const names = new Set<string>();
  for (const file of tsFiles(controlPlaneSrc)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bget\('([A-Z][A-Z0-9_]+)'\)|\benv\.([A-Z][A-Z0-9_]+)\b|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) {
      names.add((m[1] ?? m[2] ?? m[3])!);
    }
  }
  return names;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`control plane sources not found at ${dir}`);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}
