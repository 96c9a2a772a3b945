// hfi-cli two ways: in-process through its entry function (runCli, with the process injected as a CliIo),
// which most tests use, and the real bin as a child process, which a few keep (help, version, exit codes,
// one apply, watch and its Ctrl-C).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processRecommenderIo, runRecommender } from '@hfi/recommender';
import { hfiCliBin } from '@hfi/testkit';
import { RECOMMEND_PROGRAM } from '../../src/commands/recommend.js';
import type { CliIo } from '../../src/context.js';
import { runCli } from '../../src/program.js';
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

const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment a run sees: only what the test gives (never the test process's own HFI_* variables). */
function childEnv(run: CliRun): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...(run.server ? { HFI_SERVER: run.server } : {}), ...run.env };
}

/** Runs one command line in this process, as the bin would; resolves with the exit code and the output. */
export async function cli(args: readonly string[], run: CliRun = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    writeOut: (text) => void (stdout += text),
    writeErr: (text) => void (stderr += text),
    env: childEnv(run),
    stdinIsTTY: false,
    stdoutIsTTY: false,
    readStdin: async () => run.stdin ?? '',
    cwd: run.cwd ?? PACKAGE_ROOT,
    confirm: async () => false,
    now: () => Date.now(),
    onInterrupt: () => () => undefined,
    version,
    // The real recommender in this process, its output captured with hfi-cli's.
    recommend: (argv) =>
      runRecommender(argv, { ...processRecommenderIo(), writeOut: io.writeOut, writeErr: io.writeErr, env: io.env }, RECOMMEND_PROGRAM),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

export function spawnCli(args: readonly string[], run: CliRun = {}): ChildProcess {
  return spawn(process.execPath, [hfiCliBin, ...args], {
    cwd: run.cwd ?? PACKAGE_ROOT,
    env: childEnv(run),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs the real bin as a child process and collects what a user would see. */
export function cliBin(args: readonly string[], run: CliRun = {}): Promise<CliResult> {
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
