// Store events wait here, in order, until the DFAs of the policies they bring are built (on the worker pool,
// or found in a cache): compiling a policy then takes no regex work on the event loop, on the replica that
// validated the write as on every other one.
import { policyRegexSources, type RegexResult, type StoredPolicy } from '@hfi/policy';
import type { StoreEvent } from '../store/types.js';

/** Where DFAs come from: a cache read at once, and builds that take time. */
export interface DfaSource {
  cached(source: string): RegexResult | undefined;
  prepare(sources: readonly string[]): Promise<Map<string, RegexResult>>;
}

export class RegexPreparation {
  private readonly queue: StoreEvent[] = [];
  /** Built for the events in the queue; kept until they are applied (the cache may evict meanwhile). */
  private readonly prepared = new Map<string, RegexResult>();
  private preparing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly source: DfaSource,
    /** Receives each event once its DFAs are at hand, in store order. */
    private readonly apply: (event: StoreEvent) => void,
    /** Whether a policy's rules are already compiled (its DFAs are not needed again). */
    private readonly compiled: (policy: StoredPolicy) => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(event: StoreEvent): void {
    this.queue.push(event);
    this.drain();
  }

  /** The DFA of a source, for compiling an event being applied. */
  dfaOf(source: string): RegexResult | undefined {
    return this.prepared.get(source) ?? this.source.cached(source);
  }

  /** Resolves once every event received so far has been applied. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.preparing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private drain(): void {
    while (this.queue.length > 0 && !this.preparing) {
      const missing = this.missing(this.queue[0]!);
      if (missing.length > 0) {
        this.preparing = true;
        this.source.prepare(missing).then(
          (built) => this.done(built),
          (error: unknown) => {
            // The pool failed: the compiler builds them in-process instead (slower, but the same rule set).
            this.onError(error);
            this.done(new Map());
          },
        );
        return;
      }
      this.apply(this.queue.shift()!);
    }
    if (this.queue.length === 0 && !this.preparing) {
      this.prepared.clear();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private done(built: Map<string, RegexResult>): void {
    for (const [source, result] of built) this.prepared.set(source, result);
    this.preparing = false;
    // Applied at once even if the cache evicted some meanwhile: the compiler builds whatever is still missing.
    this.apply(this.queue.shift()!);
    this.drain();
  }

  private missing(event: StoreEvent): string[] {
    const policies = event.kind === 'reset' ? event.policies : event.kind === 'put' ? [event.policy] : [];
    const missing: string[] = [];
    for (const policy of policies) {
      if (this.compiled(policy)) continue;
      for (const source of policyRegexSources(policy)) if (this.dfaOf(source) === undefined) missing.push(source);
    }
    return missing;
  }
}
