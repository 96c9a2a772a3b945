// The RuleSetHub is the one object the rest of the control plane talks to about policies and rule sets.
// It composes a mirror of the store (kept by the store's watch), the incremental assembly of the compiled
// rule set, the paced publication of new sets, the bytes served per identity and the writers waiting for
// their revision. Reads and data planes are served from here, so they keep working while the store is
// unreachable.

import type { StoredTrip } from '@hfi/api';
import {
  type CompiledRuleSet,
  compileRegex,
  type Identity,
  type StoredHalt,
  type StoredPolicy,
  scheduleStep,
  type WireForm,
} from '@hfi/policy';
import type { Clock } from '../clock.js';
import type { SkippedKey, StoreEvent } from '../store/types.js';
import { IncrementalAssembly } from './incremental-assembly.js';
import { PublicationPacer } from './publication-pacer.js';
import { type DfaSource, RegexPreparation } from './regex-preparation.js';
import { RevisionWaiters } from './revision-waiters.js';
import { type ServedRuleSet, ServedRuleSets } from './served-rule-sets.js';
import { StoreMirror } from './store-mirror.js';

export interface RuleSetHubOptions {
  clock: Clock;
  /** A policy that cannot be compiled is left out of the rule set and reported here. */
  onCompileError?: (policy: string, error: unknown) => void;
  /** Where DFAs are built; by default in-process, synchronously (tests). */
  dfas?: DfaSource;
  /** Building DFAs off the event loop failed (they are then built in-process). */
  onDfaError?: (error: unknown) => void;
  /** A store key now holds a value that is not a valid policy or halt: it is skipped (for an error log naming it). */
  onSkippedKey?: (skipped: SkippedKey) => void;
}

/** Builds in-process, at once: with it every event is applied when it arrives. */
const IN_PROCESS: DfaSource = { cached: compileRegex, prepare: async () => new Map() };

type Listener = (ruleSet: CompiledRuleSet) => void;

export class RuleSetHub {
  private readonly mirror: StoreMirror;
  private readonly assembly: IncrementalAssembly;
  private readonly pacer = new PublicationPacer(() => this.publish());
  private readonly served = new ServedRuleSets();
  private readonly revisionWaiters = new RevisionWaiters();
  private readonly listeners = new Set<Listener>();
  private readonly preparation: RegexPreparation;
  private ruleSet: CompiledRuleSet | undefined;
  /** The mirror's revision at the last publication, and whether the schedule horizon moved since (see publish). */
  private publishedRevision = 0;
  private horizonMoved = false;

  constructor(private readonly options: RuleSetHubOptions) {
    this.mirror = new StoreMirror(options.clock);
    this.assembly = new IncrementalAssembly(options.onCompileError);
    this.assembly.moveScheduleStep(scheduleStep(options.clock.now()));
    this.preparation = new RegexPreparation(
      options.dfas ?? IN_PROCESS,
      (event) => this.applyPrepared(event),
      (policy) => this.assembly.holds(policy.metadata.name, policy.metadata.version),
      options.onDfaError ?? (() => undefined),
    );
  }

  /** The store listener: each event waits for its policies' DFAs, then reaches the mirror in store order. */
  readonly apply = (event: StoreEvent): void => {
    this.preparation.push(event);
  };

  /** Resolves once every store event received so far has reached the mirror. */
  settled(): Promise<void> {
    return this.preparation.idle();
  }

  private applyPrepared(event: StoreEvent): void {
    // Already seen (e.g. replayed). Several events of one transaction share a revision; applying one twice is harmless.
    if (event.kind !== 'reset' && event.revision < this.mirror.revision && this.ruleSet) return;
    const change = this.mirror.apply(event);
    for (const skipped of change.newlySkipped) this.options.onSkippedKey?.(skipped);
    if (change.kind === 'reset') this.assembly.reset(change.epochChanged);
    else if (change.kind === 'policy') this.assembly.policyChanged(change.name);
    // Compiled now, with the DFAs prepared for this event; publishing then only assembles.
    const dfaOf = (source: string) => this.preparation.dfaOf(source) ?? compileRegex(source);
    for (const policy of event.kind === 'reset' ? event.policies : event.kind === 'put' ? [event.policy] : []) {
      this.assembly.compile(policy, { dfaOf });
    }
    this.revisionWaiters.reached(this.mirror.revision);
    this.pacer.schedule();
  }

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

  /** The trip that stops the policy's current version (a stop condition held), if any. */
  trip(name: string): StoredTrip | undefined {
    return this.mirror.tripOf(name);
  }

  /** Store keys skipped because their values are not valid policies or halts. */
  skippedKeys(): SkippedKey[] {
    return this.mirror.skipped();
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

  /** The rule set for one identity (or the whole set), serialised in `form` (default the rule form); cached until the next version. */
  serve(identity: Identity | undefined, options: { pending?: 'publish' | 'wait'; form?: WireForm } = {}): ServedRuleSet | undefined {
    const ruleSet = options.pending === 'wait' ? this.published() : this.current();
    return ruleSet && this.served.of(ruleSet, identity, options.form ?? 'rules');
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

  /**
   * Scheduled policies' windows reach LIMITS.scheduleHorizonMs from the step they were compiled in: when the
   * clock enters a new step, they are recompiled and the rule set republished (called by a sweep; cheap otherwise).
   */
  refreshSchedules(): void {
    if (!this.assembly.moveScheduleStep(scheduleStep(this.options.clock.now()))) return;
    this.horizonMoved = true;
    this.pacer.schedule();
  }

  /** Compiles now instead of on the next turn of the event loop (tests, shutdown). */
  flush(): void {
    this.pacer.flush();
  }

  private publish(): void {
    const epoch = this.mirror.epoch;
    if (epoch === undefined) return;
    const previous = this.ruleSet;
    const header = { epoch, version: this.nextVersion(previous, epoch), halts: this.mirror.halts() };
    this.publishedRevision = this.mirror.revision;
    this.horizonMoved = false;
    const ruleSet = this.pacer.timed(() => this.assembly.assemble(this.runningPolicies(), previous, header));
    this.ruleSet = ruleSet;
    for (const listener of this.listeners) listener(ruleSet);
  }

  /** The policies whose rules the set carries: all but those a stop condition stopped (their rules leave the set, as on a delete). */
  private runningPolicies(): ReadonlyMap<string, StoredPolicy> {
    const all = this.mirror.byName;
    if (!this.mirror.hasTrips()) return all;
    return new Map([...all].filter(([name]) => this.mirror.tripOf(name) === undefined));
  }

  /**
   * The store revision, unless republishing new schedule windows took the version past it: data planes take a
   * set only when its version grows, so after such a republication (same revision, one more) every later change
   * stays above the last version published (docs/adr/0101-schedule-windows-republished.md).
   */
  private nextVersion(previous: CompiledRuleSet | undefined, epoch: string): number {
    const revision = this.mirror.revision;
    if (!previous || previous.epoch !== epoch) return revision;
    if (this.horizonMoved || revision > this.publishedRevision) return Math.max(revision, previous.version + 1);
    return previous.version;
  }
}
