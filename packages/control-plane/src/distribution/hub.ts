// The RuleSetHub is the one object the rest of the control plane talks to about policies and rule sets.
// It composes a mirror of the store (kept by the store's watch), the incremental assembly of the compiled
// rule set, the paced publication of new sets, the bytes served per identity and the writers waiting for
// their revision. Reads and data planes are served from here, so they keep working while the store is
// unreachable.

import type { CompiledRuleSet, Identity, StoredHalt, StoredPolicy } from '@hfi/policy';
import type { Clock } from '../clock.js';
import type { StoreEvent } from '../store/types.js';
import { IncrementalAssembly } from './incremental-assembly.js';
import { PublicationPacer } from './publication-pacer.js';
import { RevisionWaiters } from './revision-waiters.js';
import { type ServedRuleSet, ServedRuleSets } from './served-rule-sets.js';
import { StoreMirror } from './store-mirror.js';

export interface RuleSetHubOptions {
  clock: Clock;
  /** A policy that cannot be compiled is left out of the rule set and reported here. */
  onCompileError?: (policy: string, error: unknown) => void;
}

type Listener = (ruleSet: CompiledRuleSet) => void;

export class RuleSetHub {
  private readonly mirror: StoreMirror;
  private readonly assembly: IncrementalAssembly;
  private readonly pacer = new PublicationPacer(() => this.publish());
  private readonly served = new ServedRuleSets();
  private readonly revisionWaiters = new RevisionWaiters();
  private readonly listeners = new Set<Listener>();
  private ruleSet: CompiledRuleSet | undefined;

  constructor(options: RuleSetHubOptions) {
    this.mirror = new StoreMirror(options.clock);
    this.assembly = new IncrementalAssembly(options.onCompileError);
  }

  /** The store listener: keeps the mirror and schedules a publication. */
  readonly apply = (event: StoreEvent): void => {
    // Already seen (e.g. replayed). Several events of one transaction share a revision; applying one twice is harmless.
    if (event.kind !== 'reset' && event.revision < this.mirror.revision && this.ruleSet) return;
    const change = this.mirror.apply(event);
    if (change.kind === 'reset') this.assembly.reset(change.epochChanged);
    else if (change.kind === 'policy') this.assembly.policyChanged(change.name);
    this.revisionWaiters.reached(this.mirror.revision);
    this.pacer.schedule();
  };

  get epoch(): string | undefined {
    return this.mirror.epoch;
  }

  get revision(): number {
    return this.mirror.revision;
  }

  /** Epoch ms at which the latest change reached this hub (the commit, for writes through this replica). */
  get changedAtMs(): number {
    return this.mirror.changedAtMs;
  }

  policies(): StoredPolicy[] {
    return this.mirror.policies();
  }

  policy(name: string): StoredPolicy | undefined {
    return this.mirror.policy(name);
  }

  /** Active halts, by selector. */
  halts(): StoredHalt[] {
    return this.mirror.halts();
  }

  /** The current compiled rule set, or undefined before the store was first read. */
  current(): CompiledRuleSet | undefined {
    this.flush(); // a reader never sees a rule set older than the mirror
    return this.ruleSet;
  }

  /**
   * The last published rule set, without publishing pending changes first: for data-plane polls,
   * which a pending publication will wake anyway (so polls arriving during a burst of writes do not
   * force one publication each).
   */
  published(): CompiledRuleSet | undefined {
    return this.ruleSet ?? this.current();
  }

  /** The rule set for one identity (or the whole set), serialised; cached until the next version. */
  serve(identity: Identity | undefined, options: { pending?: 'publish' | 'wait' } = {}): ServedRuleSet | undefined {
    const ruleSet = options.pending === 'wait' ? this.published() : this.current();
    return ruleSet && this.served.of(ruleSet, identity);
  }

  /** Called with every new rule set. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves true once the mirror holds `revision` (read-your-writes), false after `timeoutMs`. */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.mirror.revision >= revision) return Promise.resolve(true);
    return this.revisionWaiters.wait(revision, timeoutMs);
  }

  /** Compiles now instead of on the next turn of the event loop (tests, shutdown). */
  flush(): void {
    this.pacer.flush();
  }

  private publish(): void {
    const epoch = this.mirror.epoch;
    if (epoch === undefined) return;
    const previous = this.ruleSet;
    const header = { epoch, version: this.mirror.revision, halts: this.mirror.halts() };
    const ruleSet = this.pacer.timed(() => this.assembly.assemble(this.mirror.byName, previous, header));
    this.ruleSet = ruleSet;
    for (const listener of this.listeners) listener(ruleSet);
  }
}
