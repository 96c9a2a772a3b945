// Runs the real hfi-cli bin as a child process and collects what a user would see.
import { type ChildProcess, spawn } from 'node:child_process';
import { hfiCliBin } from '@hfi/testkit';
import { PACKAGE_ROOT } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  server?: string;
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
}

function childEnv(run: CliRun): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    ...(run.server ? { HFI_SERVER: run.server } : {}),
    ...run.env,
  };
}

export function spawnCli(args: readonly string[], run: CliRun = {}): ChildProcess {
  return spawn(process.execPath, [hfiCliBin, ...args], {
    cwd: run.cwd ?? PACKAGE_ROOT,
    env: childEnv(run),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function cli(args: readonly string[], run: CliRun = {}): Promise<CliResult> {
  const child = spawnCli(args, run);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin?.end(run.stdin ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hfi-cli ${args.join(' ')} did not finish within 20s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with everything the CLI printed, which is what one wants to read when an assertion breaks. */
export function explain(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}
