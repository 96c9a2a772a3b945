// A steady load generator: `ratePerSecond` requests a second to `target`, cycling through `requests` in order,
// each sent on its own schedule (an open loop: a slow answer never delays the next request, as real users do not wait
// for each other). Counts the answers by status; 0 for a request that got none.
import http from 'node:http';
import type { Call } from './calling-service.js';

export interface LoadOptions {
  target: string;
  ratePerSecond: number;
  /** The requests, sent in this order again and again. */
  requests: readonly Call[];
  /** Per request; 10 s by default. */
  timeoutMs?: number;
}

export interface RunningLoad {
  sent: number;
  /** Answers by status ("200", "504"); "0": no answer (refused, reset, timed out). */
  answered: Record<string, number>;
  stop(): Promise<void>;
}

export function startLoad(options: LoadOptions): RunningLoad {
  if (!(options.ratePerSecond > 0) || options.requests.length === 0) {
    throw new Error(
      `startLoad: expected a positive rate and at least one request, got ${options.ratePerSecond} and ${options.requests.length}`,
    );
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const inFlight = new Set<Promise<void>>();
  const load: RunningLoad = { sent: 0, answered: {}, stop: async () => {} };
  const count = (status: number): void => {
    load.answered[String(status)] = (load.answered[String(status)] ?? 0) + 1;
  };
  const send = (call: Call): void => {
    const done = new Promise<void>((resolve) => {
      const req = http.request(
        new URL(call.path, options.target),
        { method: call.method, agent, timeout: options.timeoutMs ?? 10_000 },
        (res) => {
          res.resume();
          res.on('end', () => resolve(count(res.statusCode ?? 0)));
          res.on('error', () => resolve(count(0)));
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(count(0)));
      req.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  // Scheduled against a start time, not chained timers, so the rate holds on a loaded machine.
  const startedAt = performance.now();
  const periodMs = 1000 / options.ratePerSecond;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (stopped) return;
    const due = Math.floor((performance.now() - startedAt) / periodMs) + 1;
    while (load.sent < due) send(options.requests[load.sent++ % options.requests.length]!);
    timer = setTimeout(tick, Math.max(1, startedAt + load.sent * periodMs - performance.now()));
  };
  tick();
  load.stop = async () => {
    stopped = true;
    clearTimeout(timer);
    await Promise.all(inFlight);
    agent.destroy();
  };
  return load;
}
