// The executor a session's trials run on: the simulated mesh, or a control plane through @hfi/client.
import { HfiClient } from '@hfi/client';
import type { RecommenderIo } from '../context.js';
import { LiveExecutor } from '../live/executor.js';
import type { Session } from '../sessions/session.js';
import { SimulatedExecutor } from '../simulate/executor.js';
import type { TrialExecutor } from '../trials/executor.js';

const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface ServerOptions {
  server?: string;
  token?: string;
}

/** --server, else $HFI_SERVER, else the default, as hfi-cli chooses it. */
export function serverOf(io: RecommenderIo, options: ServerOptions): string {
  return (options.server ?? io.env.HFI_SERVER ?? DEFAULT_SERVER).replace(/\/+$/, '');
}

export function executorFor(
  session: Pick<Session, 'executor' | 'seed' | 'server'>,
  io: RecommenderIo,
  options: ServerOptions,
): TrialExecutor {
  if (session.executor === 'simulated') return new SimulatedExecutor({ seed: session.seed });
  const client = new HfiClient({
    server: options.server !== undefined ? serverOf(io, options) : (session.server ?? serverOf(io, options)),
    token: options.token ?? io.env.HFI_TOKEN,
    userAgent: `hfi-recommender/${io.version}`,
    now: io.now,
  });
  return new LiveExecutor(client, { now: io.now, sleep: io.sleep });
}
