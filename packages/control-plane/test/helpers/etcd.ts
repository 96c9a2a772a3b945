// Starts a real etcd (Debian etcd-server, /usr/bin/etcd) on free loopback ports with a temporary data
// dir; `stop` kills it and removes the dir. A missing binary fails the test: it is never skipped.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

const ETCD_BINARY = process.env.HFI_ETCD_BINARY ?? '/usr/bin/etcd';

export interface EtcdProcess {
  endpoint: string;
  /** SIGKILL, keeping the data dir and ports (restart() brings it back). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startEtcd(): Promise<EtcdProcess> {
  if (!existsSync(ETCD_BINARY)) {
    throw new Error(`etcd is required for this test but ${ETCD_BINARY} is missing: run \`apt-get install etcd-server\``);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'hfi-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name',
    'default',
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    client,
    '--advertise-client-urls',
    client,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `default=${peer}`,
    '--log-level',
    'error',
    '--logger',
    'zap',
  ];
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const proc = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const healthy = async (): Promise<boolean> => {
      if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}: ${output.slice(-2000)}`);
      try {
        const response = await fetch(`${client}/health`, { signal: AbortSignal.timeout(1000) });
        return response.ok && ((await response.json()) as { health?: string }).health === 'true';
      } catch {
        return false; // not up yet
      }
    };
    try {
      await waitFor(healthy, {
        what: () => `etcd to become healthy; its output: ${output.slice(-2000)}`,
        timeoutMs: 20_000,
        intervalMs: 100,
      });
    } catch (error) {
      proc.kill('SIGKILL');
      throw error;
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGCONT');
    proc.kill('SIGKILL');
    await exited;
  };

  await launch();
  return {
    endpoint: client,
    kill,
    restart: launch,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop: async () => {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
