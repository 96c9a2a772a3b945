// Policy operations behind the API: validation at the edge, optimistic concurrency, "unchanged"
// detection, read-your-writes, and the status block. Reads come from the hub's mirror, so they keep
// working while the store is unreachable; writes go to the store.

import type { ApplyResult, PolicyPhase, PolicyStatus } from '@hfi/api';
import type { FaultInjectionPolicy, StoredPolicy, ValidationResult } from '@hfi/policy';
import { haltScope, policyPhase, policyRegexSources, policyTimeWindow, samePolicyContent, scheduleAt, validatePolicy } from '@hfi/policy';
import type { Clock } from './clock.js';
import type { RuleSetHub } from './distribution/hub.js';
import type { DataPlaneRegistry, DataPlaneView } from './distribution/registry.js';
import { fieldDetails, HfiError } from './errors.js';
import type { PolicyStore, SkippedKey } from './store/types.js';
import type { PolicyFaultTotals } from './telemetry/fault-ledger.js';
import type { RegexCompiler } from './workers/regex-compiler.js';

/** Names that would collide with fixed routes under /v1/policies/. */
const RESERVED_NAMES = new Set(['status']);
/** How long a write waits for its own change to reach the mirror before answering. */
const READ_YOUR_WRITE_MS = 2000;

export interface PolicyServiceOptions {
  store: PolicyStore;
  hub: RuleSetHub;
  dataPlanes: DataPlaneRegistry;
  /** Summed over every replica when the store is shared (telemetry/shared-fault-totals.ts). */
  faults: PolicyFaultTotals;
  clock: Clock;
  maxPolicies: number;
  regexes: RegexCompiler;
  /** Time budget for building the regexes of one request. */
  regexBudgetMs: number;
}

export class PolicyService {
  constructor(private readonly o: PolicyServiceOptions) {}

  /** `actor`: who writes (the token's name), for the audit history. */
  async apply(
    input: unknown,
    options: { dryRun: boolean; actor: string },
  ): Promise<{ result: ApplyResult; policy: StoredPolicy | FaultInjectionPolicy }> {
    const validation = await this.validate(input);
    if (!validation.ok) throw new HfiError('HFI_INVALID_POLICY', describe(validation.errors), fieldDetails(validation.errors));
    const policy = validation.policy;
    const name = policy.metadata.name;
    if (RESERVED_NAMES.has(name)) {
      throw new HfiError('HFI_INVALID_POLICY', `metadata.name: "${name}" is reserved`, [
        { path: 'metadata.name', message: `"${name}" is reserved by the API (/v1/policies/${name})` },
      ]);
    }
    const expectedVersion = policy.metadata.version ?? requestedVersion(input);
    const existing = await this.o.store.get(name);
    if (expectedVersion !== undefined && existing?.metadata.version !== expectedVersion) {
      const current = existing ? `the current version is ${existing.metadata.version}` : `policy "${name}" does not exist`;
      throw new HfiError('HFI_VERSION_CONFLICT', `metadata.version ${expectedVersion} is not current: ${current}`, [
        { path: 'metadata.version', message: current },
      ]);
    }
    if (existing && samePolicyContent(existing, policy)) return { result: 'unchanged', policy: existing };
    if (options.dryRun) {
      if (!existing && this.o.hub.policies().length >= this.o.maxPolicies) {
        throw new HfiError('HFI_POLICY_LIMIT', `the store already holds the maximum of ${this.o.maxPolicies} policies (MAX_POLICIES)`);
      }
      const { version: _v, ...metadata } = policy.metadata;
      const preview = existing
        ? {
            ...policy,
            metadata: {
              ...metadata,
              version: existing.metadata.version,
              createdAt: existing.metadata.createdAt,
              updatedAt: existing.metadata.updatedAt,
            },
          }
        : { ...policy, metadata };
      return { result: existing ? 'configured' : 'created', policy: preview };
    }
    // Written first, so that a replica learning of the policy finds its tables.
    await this.o.regexes.keep(policyRegexSources(policy));
    const written = await this.o.store.put(withoutVersion(policy), {
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      nowMs: this.o.clock.now(),
      actor: options.actor,
    });
    await this.o.hub.waitForRevision(Number(written.policy.metadata.version), READ_YOUR_WRITE_MS);
    if (existing) void this.forgetUnused(policyRegexSources(existing));
    return { result: written.created ? 'created' : 'configured', policy: written.policy };
  }

  /**
   * Stored tables of `sources` that no policy in the mirror uses any more are deleted. Best effort: a replica
   * writing a policy with one of them meanwhile only finds it missing, and builds it again.
   */
  private async forgetUnused(sources: readonly string[]): Promise<void> {
    if (sources.length === 0) return;
    const used = new Set(this.o.hub.policies().flatMap(policyRegexSources));
    await this.o.regexes.forget(sources.filter((s) => !used.has(s)));
  }

  /**
   * Validation with regexes built off the event loop: a first pass collects the patterns the cache does not
   * know, the pool builds them within the request's budget, a second pass answers from what was built.
   */
  private async validate(input: unknown): Promise<ValidationResult> {
    const unknown = new Set<string>();
    const first = validatePolicy(input, {
      checkRegex: (source) => this.o.regexes.cached(source) ?? (unknown.add(source), { ok: true }),
    });
    if (unknown.size === 0) return first;
    const built = await this.o.regexes.check([...unknown], this.o.regexBudgetMs);
    return validatePolicy(input, { checkRegex: (source) => built.get(source) ?? this.o.regexes.cached(source) ?? { ok: true } });
  }

  async remove(name: string, actor: string): Promise<StoredPolicy | SkippedKey> {
    const deleted = await this.o.store.delete(name, { nowMs: this.o.clock.now(), actor });
    if (!deleted) throw notFound(name);
    if (!('key' in deleted)) {
      // Once the mirror no longer holds it, in the background (the answer does not wait for it).
      const sources = policyRegexSources(deleted);
      void this.o.hub.waitForRevision(this.o.hub.revision + 1, READ_YOUR_WRITE_MS).then(() => this.forgetUnused(sources));
    }
    return deleted;
  }

  /**
   * Resumes a policy a stop condition stopped: its trip removed, its rules back in the rule set. HFI_NOT_FOUND
   * when the policy does not exist or is not stopped (a halt is resumed with DELETE /v1/halt).
   */
  async resume(name: string, actor: string): Promise<StoredPolicy> {
    const policy = this.get(name);
    if (!this.o.hub.trip(name)) {
      throw new HfiError('HFI_NOT_FOUND', `policy "${name}" is not stopped by a stop condition (halts are resumed with DELETE /v1/halt)`);
    }
    const removed = await this.o.store.deleteTrip(name, { nowMs: this.o.clock.now(), actor });
    if (removed) await this.o.hub.waitForRevision(removed.revision, READ_YOUR_WRITE_MS);
    return this.o.hub.policy(name) ?? policy;
  }

  list(): StoredPolicy[] {
    return this.o.hub.policies();
  }

  get(name: string): StoredPolicy {
    const policy = this.o.hub.policy(name);
    if (!policy) throw notFound(name);
    return policy;
  }

  /** Status for many policies at once: data planes are grouped by identity once, then each policy
   * looks at the groups its selector matches (binary search over held versions). */
  statusOf(policies: readonly (StoredPolicy | FaultInjectionPolicy)[]): PolicyStatus[] {
    const { groups } = this.planeSummary();
    const now = this.o.clock.now();
    const activeHalts = this.o.hub.halts();
    return policies.map((policy) => {
      const { service, namespace } = policy.spec.selector;
      const halts: PolicyStatus['halts'] = [];
      for (const halt of activeHalts) {
        const scope = haltScope(halt, policy.spec.selector);
        if (scope !== 'none') halts.push({ ...halt, scope });
      }
      const stored = isStored(policy) ? policy : undefined;
      const trip = stored ? this.o.hub.trip(stored.metadata.name) : undefined;
      const halted =
        halts.some((halt) => halt.scope === 'whole') || (trip !== undefined && trip.policyVersion === stored?.metadata.version);
      const writtenAt = stored ? Number(stored.metadata.version) : Infinity;
      let targeted = 0;
      let applied = 0;
      for (const g of groups) {
        if ((service !== '*' && g.service !== service) || (namespace !== '*' && g.namespace !== namespace)) continue;
        targeted += g.count;
        applied += g.versions.length - lowerBound(g.versions, writtenAt);
      }
      const window = stored ? policyTimeWindow(stored) : undefined;
      const timePhase = stored ? policyPhase(stored, now) : 'Pending';
      const schedule = policy.spec.schedule && window ? scheduleAt(policy.spec.schedule, now, window.expiresAtMs) : undefined;
      // Expired wins: an ended policy injects nothing, halted or not.
      const phase: PolicyPhase =
        timePhase === 'Expired'
          ? 'Expired'
          : halted
            ? 'Halted'
            : timePhase === 'Active' && applied > 0
              ? schedule && !schedule.open
                ? 'Scheduled'
                : 'Active'
              : 'Pending';
      return {
        phase,
        activeFrom: window ? iso(window.activeFromMs) : null,
        expiresAt: window && window.expiresAtMs > 0 ? iso(window.expiresAtMs) : null,
        targetedDataPlanes: targeted,
        appliedDataPlanes: applied,
        ...statusCounts(this.o.faults, policy.metadata.name, policy.spec.rules.length),
        halts,
        ...(halted && trip ? { haltReason: trip.reason } : {}),
        ...(schedule ? { nextWindowAt: schedule.nextStartMs === undefined ? null : iso(schedule.nextStartMs) } : {}),
      };
    });
  }

  private summary: { generation: number; epoch: string | undefined; groups: IdentityGroup[] } | undefined;

  /** Data planes grouped by identity; recomputed only when the registry changed. */
  private planeSummary() {
    this.o.dataPlanes.forgetStale(); // first: forgetting bumps the generation
    const generation = this.o.dataPlanes.generation;
    const epoch = this.o.hub.epoch;
    const s = this.summary;
    if (s && s.generation === generation && s.epoch === epoch) return s;
    const planes = this.o.dataPlanes.views();
    this.summary = { generation, epoch, groups: groupByIdentity(planes, epoch) };
    return this.summary;
  }

  withStatus<P extends StoredPolicy | FaultInjectionPolicy>(policies: readonly P[]): (P & { status: PolicyStatus })[] {
    const statuses = this.statusOf(policies);
    return policies.map((p, i) => ({ ...p, status: statuses[i]! }));
  }

  /**
   * The list response body, byte for byte JSON.stringify({ items: withStatus(policies) }), built from
   * each stored policy's JSON (cached per stored object: stored policies are immutable) and a small
   * status JSON, so listing 10,000 policies does not re-serialise 10,000 unchanged policies.
   */
  listJson(policies: readonly StoredPolicy[]): string {
    const statuses = this.statusOf(policies);
    const items = policies.map((policy, i) => `${openPolicyJson(policy)},"status":${JSON.stringify(statuses[i])}}`);
    return `{"items":[${items.join(',')}]}`;
  }

  /** Phase counts for the policies gauge. */
  phaseCounts(): Record<PolicyPhase, number> {
    const counts: Record<PolicyPhase, number> = { Pending: 0, Active: 0, Scheduled: 0, Expired: 0, Halted: 0 };
    for (const s of this.statusOf(this.o.hub.policies())) counts[s.phase]++;
    return counts;
  }
}

/** status.faults, ruleFaults, wouldInject and ruleWouldInject from the policy's totals. */
function statusCounts(totals: PolicyFaultTotals, name: string, ruleCount: number) {
  const { aborts, delays, wouldInject } = totals.policyTotals(name);
  const rules = totals.ruleTotals(name, ruleCount);
  return {
    faults: { aborts, delays },
    ruleFaults: rules.map((r) => ({ aborts: r.aborts, delays: r.delays })),
    wouldInject,
    ruleWouldInject: rules.map((r) => r.wouldInject),
  };
}

const policyJson = new WeakMap<StoredPolicy, string>();

/** JSON.stringify(policy) without its closing brace, ready for one more member. */
function openPolicyJson(policy: StoredPolicy): string {
  let json = policyJson.get(policy);
  if (json === undefined) {
    json = JSON.stringify(policy).slice(0, -1);
    policyJson.set(policy, json);
  }
  return json;
}

interface IdentityGroup {
  service: string | null;
  namespace: string | null;
  count: number;
  /** Sorted versions held in the current epoch. */
  versions: number[];
}

/**
 * Data planes counted per pod, grouped by identity. Each Envoy worker VM polls on its own (one instance
 * each), but a user counts sidecars: a pod holds a version only once all of its VMs hold it.
 */
function groupByIdentity(planes: readonly DataPlaneView[], epoch: string | undefined): IdentityGroup[] {
  const pods = new Map<string, { plane: DataPlaneView; version: number }>();
  for (const p of planes) {
    const held = p.epoch === epoch ? p.version : -Infinity;
    const pod = pods.get(p.podKey);
    if (!pod) pods.set(p.podKey, { plane: p, version: held });
    else pod.version = Math.min(pod.version, held);
  }
  const groups = new Map<string, IdentityGroup>();
  for (const { plane, version } of pods.values()) {
    const { identity } = plane;
    let g = groups.get(plane.identityKey);
    if (!g) groups.set(plane.identityKey, (g = { service: identity.service, namespace: identity.namespace, count: 0, versions: [] }));
    g.count++;
    if (version !== -Infinity) g.versions.push(version);
  }
  for (const g of groups.values()) g.versions.sort((a, b) => a - b);
  return [...groups.values()];
}

/** Index of the first element >= value. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isStored(policy: StoredPolicy | FaultInjectionPolicy): policy is StoredPolicy {
  return typeof policy.metadata.version === 'string' && typeof policy.metadata.updatedAt === 'string';
}

/** The version the client sent, whatever the validator keeps of it. */
function requestedVersion(input: unknown): string | undefined {
  const v = (input as { metadata?: { version?: unknown } } | null)?.metadata?.version;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function withoutVersion(policy: FaultInjectionPolicy): FaultInjectionPolicy {
  const { version: _v, createdAt: _c, updatedAt: _u, ...metadata } = policy.metadata;
  return { ...policy, metadata };
}

function describe(errors: readonly { path: string; message: string }[]): string {
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return first ? `invalid policy: ${first.path || '(root)'}: ${first.message}${more}` : 'invalid policy';
}

function notFound(name: string): HfiError {
  return new HfiError('HFI_NOT_FOUND', `policy "${name}" not found`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
