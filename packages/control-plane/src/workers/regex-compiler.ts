// Regex DFAs for the control plane: from the cache shared by validation and compilation, else built on the
// worker pool. A request's patterns get a time budget (REGEX_BUDGET): what is not built within it is refused
// as too complex, naming the field, and is not cached (a busy moment must not refuse a pattern for good).
// Stored policies' patterns get no budget: every replica must end with the same rule set.
import { setMaxListeners } from 'node:events';
import { RegexCache, type RegexResult } from '@hfi/policy';
import type { DfaTableStore } from '../store/types.js';
import type { PolicyWorkers } from './pool.js';

/** Patterns per task when building for stored policies. */
const BATCH = 200;

export class RegexCompiler {
  readonly cache: RegexCache;

  /** `tables`: where built tables are kept beside the policies (etcd), read before building. */
  constructor(
    private readonly pool: PolicyWorkers,
    private readonly tables?: DfaTableStore,
    /** The cache's size (the default is RegexCache's; tests make it small). */
    cacheEntries?: number,
  ) {
    this.cache = new RegexCache(cacheEntries);
  }

  cached(source: string): RegexResult | undefined {
    return this.cache.get(source);
  }

  /** Every source's result, building on the pool what is not cached; those not built within `budgetMs` are refused. */
  async check(sources: readonly string[], budgetMs: number): Promise<Map<string, RegexResult>> {
    if (sources.some((source) => !this.cache.get(source))) await this.pool.ready();
    const signal = AbortSignal.timeout(budgetMs);
    setMaxListeners(sources.length + 1, signal); // one listener per task, all legitimate
    const overBudget: RegexResult = {
      ok: false,
      reason: `is too complex: its automaton was not built within the time budget of ${budgetMs} ms for the patterns of one request (REGEX_BUDGET)`,
    };
    return this.resolve(sources, (source) =>
      this.pool.build(source, signal).catch((error: unknown) => {
        if (isAbort(error)) return { timedOut: overBudget };
        throw error;
      }),
    );
  }

  /**
   * Every source's result, without a budget (stored policies): from the cache, else from the stored tables,
   * else built on the pool (and then stored, so that the next replica to start reads it). The answer holds
   * every result itself: the cache may hold fewer entries than the store has patterns (a cold start on 20,000
   * evicted 3,600 stored tables from it, then built them again).
   */
  async prepare(sources: readonly string[]): Promise<Map<string, RegexResult>> {
    const { results, missing: unknown } = this.fromCache(sources);
    const stored = this.tables ? await this.tables.getTables(unknown) : new Map<string, RegexResult>();
    const missing: string[] = [];
    for (const source of unknown) {
      const table = stored.get(source);
      if (table) this.remember(results, source, table);
      else missing.push(source);
    }
    const batches: string[][] = [];
    for (let i = 0; i < missing.length; i += BATCH) batches.push(missing.slice(i, i + BATCH));
    const built = new Map<string, RegexResult>();
    const answers = await Promise.all(batches.map((batch) => this.pool.buildMany(batch)));
    for (const [b, batch] of batches.entries()) {
      for (const [i, source] of batch.entries()) built.set(source, answers[b]![i]!);
    }
    for (const [source, result] of built) this.remember(results, source, result);
    const storable = new Map([...built].filter(([, result]) => result.ok));
    if (storable.size > 0) void this.tables?.putTables(storable);
    return results;
  }

  /** Keeps the tables of a policy about to be written beside it (they were built when it was validated). */
  async keep(sources: readonly string[]): Promise<void> {
    if (!this.tables || sources.length === 0) return;
    const results = new Map(
      sources.flatMap((s) => {
        const r = this.cache.get(s);
        return r?.ok ? [[s, r] as const] : [];
      }),
    );
    await this.tables.putTables(results);
  }

  /** Drops stored tables no policy uses any more. */
  async forget(sources: readonly string[]): Promise<void> {
    if (this.tables && sources.length > 0) await this.tables.deleteTables(sources);
  }

  private async resolve(
    sources: readonly string[],
    build: (source: string) => Promise<RegexResult | { timedOut: RegexResult }>,
  ): Promise<Map<string, RegexResult>> {
    const { results, missing } = this.fromCache(sources);
    const built = await Promise.all(missing.map(build));
    missing.forEach((source, i) => {
      const result = built[i]!;
      if ('timedOut' in result) results.set(source, result.timedOut);
      else this.remember(results, source, result);
    });
    return results;
  }

  /** The cached results among `sources` (each once), and the sources not cached. */
  private fromCache(sources: readonly string[]): { results: Map<string, RegexResult>; missing: string[] } {
    const results = new Map<string, RegexResult>();
    const missing: string[] = [];
    for (const source of new Set(sources)) {
      const cached = this.cache.get(source);
      if (cached) results.set(source, cached);
      else missing.push(source);
    }
    return { results, missing };
  }

  private remember(results: Map<string, RegexResult>, source: string, result: RegexResult): void {
    this.cache.set(source, result);
    results.set(source, result);
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
