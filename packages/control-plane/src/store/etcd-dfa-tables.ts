// Built regex tables in etcd at `<prefix><sha256 of the pattern>`, each holding its pattern (checked on read)
// and its table. Reads of many tables are paged; writes and deletes go in transactions of bounded size, one
// at a time: 20,000 puts sent at once missed the store's deadline by the thousand and left tables unstored.
import { createHash } from 'node:crypto';
import type { CompiledDfa, RegexResult } from '@hfi/policy';
import type { Etcd3, IRequestOp } from 'etcd3';
import { readPrefix } from './etcd-range.js';
import type { DfaTableStore } from './types.js';

/** Past this many patterns, one paged read of all tables is cheaper than a read per pattern. */
const RANGE_READ_FROM = 64;
/** etcd's default --max-txn-ops. */
const TXN_MAX_OPS = 128;
/** Under etcd's default --max-request-bytes (1.5 MiB), with room for the request's framing. */
const TXN_MAX_BYTES = 1024 * 1024;

export interface EtcdDfaTablesOptions {
  prefix: string;
  /** Keys per page when reading all tables. */
  pageKeys: number;
  /** Runs one etcd call within the store's deadline. */
  call: <T>(run: () => Promise<T>) => Promise<T>;
  onError: (operation: string, error: unknown) => void;
}

export class EtcdDfaTables implements DfaTableStore {
  constructor(
    private readonly client: () => Etcd3,
    private readonly options: EtcdDfaTablesOptions,
  ) {}

  async getTables(sources: readonly string[]): Promise<Map<string, RegexResult>> {
    const found = new Map<string, RegexResult>();
    if (sources.length === 0) return found;
    const { prefix, pageKeys, call } = this.options;
    try {
      const wanted = new Set(sources);
      const values =
        sources.length > RANGE_READ_FROM
          ? (await readPrefix(this.client(), prefix, { pageKeys, call })).kvs.map((kv) => kv.value.toString())
          : (await Promise.all(sources.map((source) => call(() => this.client().get(this.keyOf(source)).string())))).filter(
              (v) => v !== null,
            );
      for (const value of values) {
        const stored = JSON.parse(value) as { source?: unknown; dfa?: CompiledDfa };
        if (typeof stored.source === 'string' && wanted.has(stored.source) && isTable(stored.dfa)) {
          found.set(stored.source, { ok: true, dfa: Object.freeze(stored.dfa) });
        }
      }
    } catch (error) {
      this.options.onError('tables', error);
      found.clear();
    }
    return found;
  }

  async putTables(results: ReadonlyMap<string, RegexResult>): Promise<void> {
    const puts = [...results].flatMap(([source, result]): IRequestOp[] =>
      result.ok
        ? [{ request_put: { key: Buffer.from(this.keyOf(source)), value: Buffer.from(JSON.stringify({ source, dfa: result.dfa })) } }]
        : [],
    );
    await this.commitInBatches(puts, (op) => op.request_put!.key!.length + op.request_put!.value!.length);
  }

  async deleteTables(sources: readonly string[]): Promise<void> {
    const deletes = sources.map((source): IRequestOp => ({ request_delete_range: { key: Buffer.from(this.keyOf(source)) } }));
    await this.commitInBatches(deletes, (op) => op.request_delete_range!.key!.length);
  }

  /**
   * Unconditional transactions of at most TXN_MAX_OPS operations and TXN_MAX_BYTES, committed one after
   * another. A failed batch is reported and the rest still tried: a table not stored is only rebuilt later.
   */
  private async commitInBatches(ops: readonly IRequestOp[], bytesOf: (op: IRequestOp) => number): Promise<void> {
    let batch: IRequestOp[] = [];
    let bytes = 0;
    const commit = async (): Promise<void> => {
      if (batch.length === 0) return;
      const success = batch;
      batch = [];
      bytes = 0;
      try {
        await this.options.call(() => this.client().kv.txn({ success }));
      } catch (error) {
        this.options.onError('tables', error);
      }
    };
    for (const op of ops) {
      const size = bytesOf(op);
      if (batch.length === TXN_MAX_OPS || (batch.length > 0 && bytes + size > TXN_MAX_BYTES)) await commit();
      batch.push(op);
      bytes += size;
    }
    await commit();
  }

  private keyOf(source: string): string {
    return this.options.prefix + createHash('sha256').update(source).digest('hex');
  }
}

/** The shape of a wire table (the plugin checks it again, to the byte). */
function isTable(dfa: unknown): dfa is CompiledDfa {
  const d = dfa as CompiledDfa | undefined;
  return (
    typeof d === 'object' &&
    d !== null &&
    Number.isInteger(d.states) &&
    Number.isInteger(d.classes) &&
    typeof d.classMap === 'string' &&
    typeof d.table === 'string' &&
    Array.isArray(d.accept)
  );
}
