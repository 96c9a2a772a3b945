// Worker threads that build regex DFAs and parse YAML bodies, so that a costly pattern or a large body never
// holds up the event loop (health, polls, other requests). Piscina runs the pool: a task aborted while it runs stops its thread, which is
// how a request's time budget is enforced. The threads run at a lower priority than the event loop, and
// start on first use; beyond the first, they stop when idle.
import { availableParallelism } from 'node:os';
import type { parsePolicyDocuments, RegexResult } from '@hfi/policy';
import { Piscina } from 'piscina';

const WORKER = new URL('./worker.js', import.meta.url).href;
const IDLE_MS = 30_000;
/** Above the event loop's priority (0): under CPU contention the server keeps answering. */
const NICE_INCREMENT = 10;

export class PolicyWorkers {
  private pool: Piscina | undefined;
  private loaded: Promise<unknown> | undefined;

  /** `threads`: by default one fewer than the cores (at least one), leaving a core to the event loop. */
  constructor(private readonly threads = Math.max(1, availableParallelism() - 1)) {}

  /**
   * Resolves once a thread has started and loaded the policy library. A request's REGEX_BUDGET is wall time
   * and starts after this: a thread's start at its lower priority takes seconds under CPU contention, and
   * would otherwise get simple patterns refused as too complex.
   */
  ready(): Promise<unknown> {
    this.loaded ??= this.piscina().run(null, { name: 'ping' });
    return this.loaded;
  }

  /** Builds one pattern on a worker thread; rejects with an AbortError when `signal` fires first. */
  build(source: string, signal?: AbortSignal): Promise<RegexResult> {
    return this.piscina().run(source, signal ? { signal } : {});
  }

  /** Builds many patterns in one task, in order. */
  buildMany(sources: readonly string[]): Promise<RegexResult[]> {
    return this.piscina().run(sources, { name: 'buildMany' });
  }

  /** Parses a YAML body on a worker thread. */
  parseYaml(text: string): Promise<ReturnType<typeof parsePolicyDocuments>> {
    return this.piscina().run(text, { name: 'parseYaml' });
  }

  private piscina(): Piscina {
    this.pool ??= new Piscina({
      filename: WORKER,
      minThreads: 1, // a thread stopped by an abort is replaced at once, not on the next request
      maxThreads: this.threads,
      idleTimeout: IDLE_MS,
      niceIncrement: NICE_INCREMENT,
    });
    return this.pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.loaded = undefined;
    await pool?.destroy();
  }
}
