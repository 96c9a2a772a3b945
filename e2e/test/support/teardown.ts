// What a test file starts is stopped once its tests are done: processes first, then anything else
// (upstreams, etcd), then the test HTTP client's keep-alive sockets.
import { after } from 'node:test';
import { closeAgent, type RunningProcess, type RunningUpstream, startUpstream } from '@hfi/testkit';

export interface Teardown {
  /** Stops `proc` at the end; returns it, so a start can be wrapped: `own(await startControlPlane())`. */
  own<T extends RunningProcess>(proc: T): T;
  /** Runs `cleanup` at the end, after the processes. */
  later(cleanup: () => Promise<void>): void;
  /** A demo upstream, closed at the end. */
  upstream(): Promise<RunningUpstream>;
}

export function teardownAfterAll(): Teardown {
  const procs: RunningProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const p of procs) await p.stop();
    for (const c of cleanups) await c();
    closeAgent();
  });
  return {
    own: (proc) => {
      procs.push(proc);
      return proc;
    },
    later: (cleanup) => void cleanups.push(cleanup),
    upstream: async () => {
      const u = await startUpstream();
      cleanups.push(u.close);
      return u;
    },
  };
}
