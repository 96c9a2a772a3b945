// The RuleSetHub holds what the store holds (a mirror kept by the store's watch) and the compiled rule
// set made from it. A change recompiles only the changed policy (compiled rules are cached per
// name+version) and reassembles; changes arriving together are coalesced into one new rule set.
// Reads and data planes are served from here, so they keep working while the store is unreachable.

import type { CompiledRule, CompiledRuleSet, Identity, StoredPolicy } from '@hfi/policy';
import { assembleRuleSet, compilePolicyRules, ruleSetForIdentity, serializeRuleSet } from '@hfi/policy';
import type { Clock } from '../clock.js';
import { identityKey } from '../identity-key.js';
import { byName } from '../store/stamp.js';
import type { StoreEvent } from '../store/types.js';

/** Response header carrying the rule set's version, so a client can tell what it got without parsing the body. */
export const RULESET_VERSION_HEADER = 'hfi-ruleset-version';

/**
 * A rule set ready to send: serialised once per version and identity, so answering 1,000 held polls
 * writes the same bytes 1,000 times (no per-poll JSON or hashing).
 */
export interface ServedRuleSet {
  ruleSet: CompiledRuleSet;
  body: Buffer;
  /** Response headers for `body` as a flat [name, value, ...] list (content type, length, version). */
  headers: string[];
}

export interface RuleSetHubOptions {
  clock: Clock;
  /** A policy that cannot be compiled is left out of the rule set and reported here. */
  onCompileError?: (policy: string, error: unknown) => void;
}

type Listener = (ruleSet: CompiledRuleSet) => void;

const PUBLISH_DUTY_FACTOR = 4;
const MAX_PUBLISH_WAIT_MS = 100;

export class RuleSetHub {
  private readonly policyMap = new Map<string, StoredPolicy>();
  private sortedPolicies: StoredPolicy[] | undefined;
  private readonly compiled = new Map<string, { version: string; rules: CompiledRule[] }>();
  private readonly served = new Map<string, ServedRuleSet>();
  private readonly listeners = new Set<Listener>();
  /** Policies changed since the last publish; the next one reuses the rest of the ordered rules. */
  private readonly changedSinceLastPublish = new Set<string>();
  /** After a reset (or before the first publish) every policy is reassembled. */
  private reassembleAll = true;
  private readonly revisionWaiters = new Set<{ revision: number; resolve: (reached: boolean) => void }>();
  private epochValue: string | undefined;
  private revisionValue = 0;
  private ruleSet: CompiledRuleSet | undefined;
  private publishScheduled = false;
  private lastChangeAtMs = 0;
  /** Duration and end (performance.now()) of the last publish, which pace the next one (see schedulePublish). */
  private lastPublishCostMs = 0;
  private lastPublishEndedAt = 0;

  constructor(private readonly options: RuleSetHubOptions) {}

  /** The store listener: keeps the mirror and schedules a recompile. */
  readonly apply = (event: StoreEvent): void => {
    if (event.kind === 'reset') {
      if (event.epoch !== this.epochValue) this.compiled.clear();
      this.epochValue = event.epoch;
      this.policyMap.clear();
      for (const p of event.policies) this.policyMap.set(p.metadata.name, p);
      this.reassembleAll = true;
      // A resync may land on the revision already held; it still replaces the contents.
      this.revisionValue = Math.max(this.revisionValue, event.revision);
    } else {
      if (event.revision <= this.revisionValue && this.ruleSet) return; // already seen (e.g. replayed)
      this.revisionValue = event.revision;
      const name = event.kind === 'put' ? event.policy.metadata.name : event.name;
      if (event.kind === 'put') this.policyMap.set(name, event.policy);
      else this.policyMap.delete(name);
      this.changedSinceLastPublish.add(name);
    }
    this.sortedPolicies = undefined;
    this.lastChangeAtMs = this.options.clock.now();
    for (const waiter of this.revisionWaiters) {
      if (this.revisionValue >= waiter.revision) {
        this.revisionWaiters.delete(waiter);
        waiter.resolve(true);
      }
    }
    this.schedulePublish();
  };

  get epoch(): string | undefined {
    return this.epochValue;
  }

  get revision(): number {
    return this.revisionValue;
  }

  /** Epoch ms at which the latest change reached this hub (the commit, for writes through this replica). */
  get changedAtMs(): number {
    return this.lastChangeAtMs;
  }

  policies(): StoredPolicy[] {
    this.sortedPolicies ??= [...this.policyMap.values()].sort(byName);
    return this.sortedPolicies;
  }

  policy(name: string): StoredPolicy | undefined {
    return this.policyMap.get(name);
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
    if (!ruleSet) return undefined;
    const key = identity ? identityKey(identity) : '';
    let served = this.served.get(key);
    if (!served) {
      const subset = identity ? ruleSetForIdentity(ruleSet, identity) : ruleSet;
      const body = Buffer.from(serializeRuleSet(subset));
      const headers = [
        'content-type',
        'application/json',
        'content-length',
        String(body.length),
        RULESET_VERSION_HEADER,
        String(subset.version),
      ];
      served = { ruleSet: subset, body, headers };
      this.served.set(key, served);
    }
    return served;
  }

  /** Called with every new rule set. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves true once the mirror holds `revision` (read-your-writes), false after `timeoutMs`. */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.revisionValue >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.revisionWaiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.revisionWaiters.add(waiter);
    });
  }

  /** Compiles now instead of on the next turn of the event loop (tests, shutdown). */
  flush(): void {
    if (this.publishScheduled) this.publish();
  }

  // Publishing hashes the whole set (milliseconds at thousands of policies). A change after a quiet
  // spell is published on the next turn of the event loop; while changes keep coming, the next publish
  // waits until PUBLISH_DUTY_FACTOR times the last publish's cost has passed since it ended, so a burst
  // of writes costs a few publications, not one per write, and publishing never takes more than about
  // 1/PUBLISH_DUTY_FACTOR of the process.
  private schedulePublish(): void {
    if (this.publishScheduled) return;
    this.publishScheduled = true;
    const wait = this.lastPublishEndedAt + PUBLISH_DUTY_FACTOR * this.lastPublishCostMs - performance.now();
    if (wait < 1) setImmediate(() => this.publish());
    else setTimeout(() => this.publish(), Math.min(wait, MAX_PUBLISH_WAIT_MS));
  }

  private publish(): void {
    if (!this.publishScheduled) return;
    this.publishScheduled = false;
    const epoch = this.epochValue;
    if (epoch === undefined) return;
    const started = performance.now();
    const ruleSet = assembleRuleSet(this.ruleParts(), { epoch, version: this.revisionValue });
    this.lastPublishEndedAt = performance.now();
    this.lastPublishCostMs = this.lastPublishEndedAt - started;
    this.ruleSet = ruleSet;
    this.served.clear();
    for (const listener of this.listeners) listener(ruleSet);
  }

  /**
   * The rules to assemble. After single changes, the previous set's rules (already in evaluation order)
   * minus the changed policies', followed by the changed policies' new rules: the sort in
   * assembleRuleSet then merges one long sorted run with a short one instead of sorting everything,
   * and unchanged policies are not visited at all.
   */
  private ruleParts(): (readonly CompiledRule[])[] {
    const changed = this.changedSinceLastPublish;
    const previous = this.ruleSet;
    const parts: (readonly CompiledRule[])[] = [];
    if (this.reassembleAll || !previous || previous.epoch !== this.epochValue) {
      for (const [name, policy] of this.policyMap) parts.push(this.rulesOf(name, policy));
      for (const name of this.compiled.keys()) if (!this.policyMap.has(name)) this.compiled.delete(name);
    } else {
      parts.push(changed.size === 0 ? previous.rules : previous.rules.filter((rule) => !changed.has(rule.policy)));
      for (const name of changed) {
        const policy = this.policyMap.get(name);
        if (policy) parts.push(this.rulesOf(name, policy));
        else this.compiled.delete(name);
      }
    }
    this.reassembleAll = false;
    changed.clear();
    return parts;
  }

  private rulesOf(name: string, policy: StoredPolicy): CompiledRule[] {
    const cached = this.compiled.get(name);
    if (cached && cached.version === policy.metadata.version) return cached.rules;
    let rules: CompiledRule[] = [];
    try {
      rules = compilePolicyRules(policy);
    } catch (error) {
      this.options.onCompileError?.(name, error);
    }
    this.compiled.set(name, { version: policy.metadata.version, rules });
    return rules;
  }
}

/** Wire rule: a data plane takes a rule set when the epoch differs or the version is greater. */
export function isNewerFor(ruleSet: CompiledRuleSet, held: { epoch: string; version: number }): boolean {
  return ruleSet.epoch !== held.epoch || ruleSet.version > held.version;
}
