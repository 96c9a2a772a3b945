// Runs the real hfi-recommender bin as a child process and collects what a user would see.
import { spawn } from 'node:child_process';
import { BIN, PACKAGE_ROOT } from './paths.js';

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function recommender(args: readonly string[], env: Record<string, string> = {}): Promise<BinResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hfi-recommender ${args.join(' ')} did not finish within 60s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function explain(result: BinResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}
