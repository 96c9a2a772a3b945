// A real etcd (Debian etcd-server, /usr/bin/etcd) on free loopback ports with a temporary data dir;
// `stop` kills it and removes the dir. A missing binary fails the test: it is never skipped.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { cleanEnv, type RunningProcess, supervise, untilReady } from './process.js';

const ETCD_BINARY = process.env.HFI_ETCD_BINARY ?? '/usr/bin/etcd';

export interface EtcdProcess {
  /** The client URL, e.g. for ETCD_ENDPOINTS. */
  endpoint: string;
  /** SIGKILL, keeping the data dir and ports (restart() brings it back). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** SIGSTOP: etcd hangs without closing its connections, as a stuck member does. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export async function startEtcd(): Promise<EtcdProcess> {
  if (!existsSync(ETCD_BINARY)) {
    throw new Error(`etcd is required for this test but ${ETCD_BINARY} is missing: run \`apt-get install etcd-server\``);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'hfi-etcd-'));
  const client = `http://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  const args = [
    ...['--name', 'default', '--data-dir', dataDir],
    ...['--listen-client-urls', client, '--advertise-client-urls', client],
    ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `default=${peer}`],
    ...['--log-level', 'error', '--logger', 'zap'],
  ];
  let running: RunningProcess | undefined;

  const launch = async (): Promise<void> => {
    const proc = supervise(spawn(ETCD_BINARY, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
    running = proc;
    await untilReady(proc, 'etcd', () => healthy(client));
  };
  const kill = async (): Promise<void> => {
    const proc = running;
    running = undefined;
    await proc?.kill();
  };

  await launch();
  return {
    endpoint: client,
    kill,
    restart: launch,
    pause: () => running?.child.kill('SIGSTOP'),
    resume: () => running?.child.kill('SIGCONT'),
    stop: async () => {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function healthy(client: string): Promise<boolean> {
  try {
    const response = await fetch(`${client}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok && ((await response.json()) as { health?: string }).health === 'true';
  } catch {
    return false; // not up yet
  }
}
