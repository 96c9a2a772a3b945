// The simulated mesh as a trial executor: a dry demonstration of the search, on a virtual clock (no waiting).
import { compileRuleSet, type FaultInjectionPolicy, type StoredPolicy } from '@hfi/policy';
import { LABELS } from '../encoding/policy.js';
import { streamRandom } from '../random.js';
import type { Workload } from '../space/types.js';
import type { TrialExecutor, TrialWindow } from '../trials/executor.js';
import type { Outcomes } from '../trials/outcomes.js';
import type { MeshService } from './demo-mesh.js';
import { type MeshRecord, meshWorkloads, simulateWindow } from './mesh.js';

/** Virtual time of trial 1; trial n starts n - 1 trial lengths later, so that a resumed session sees the same windows. */
const EPOCH_MS = Date.UTC(2026, 0, 1);
const ENTRY_REQUESTS_PER_SECOND = 20;
const MAX_REQUESTS = 2000;
const QUIET_SECONDS = 10;

export interface SimulatedExecutorOptions {
  seed: number;
  /** Requests per second at the entry (frontend). */
  rate?: number;
  /** An error rate the mesh shows with no fault at all (to exercise the guard); default 0. */
  baselineErrorRate?: number;
}

export class SimulatedExecutor implements TrialExecutor {
  readonly mode = 'simulated';
  private readonly policies = new Map<string, StoredPolicy>();
  private readonly records = new Map<string, MeshRecord>();
  private nowMs = EPOCH_MS;
  private quietReads = 0;

  constructor(private readonly options: SimulatedExecutorOptions) {}

  async workloads(): Promise<Workload[]> {
    return meshWorkloads();
  }

  async apply(policy: FaultInjectionPolicy): Promise<void> {
    const trial = Number(policy.metadata.labels?.[LABELS.trial] ?? 1);
    this.nowMs = EPOCH_MS + (trial - 1) * Math.max(1, policy.spec.rules[0]?.fault.duration_seconds ?? 1) * 1000;
    const stamp = new Date(this.nowMs).toISOString();
    this.policies.set(policy.metadata.name, {
      ...policy,
      metadata: { ...policy.metadata, version: '1', createdAt: stamp, updatedAt: stamp },
    });
  }

  async waitForWindow(policy: FaultInjectionPolicy, seconds: number): Promise<TrialWindow> {
    const fromMs = this.nowMs;
    this.nowMs += seconds * 1000;
    const ruleSet = compileRuleSet([...this.policies.values()], { epoch: 'simulated', version: 1 });
    const requests = Math.min(MAX_REQUESTS, Math.round((this.options.rate ?? ENTRY_REQUESTS_PER_SECOND) * seconds));
    const random = streamRandom(this.options.seed, `simulate:${policy.metadata.labels?.[LABELS.trial] ?? policy.metadata.name}`, 0);
    const window = { fromMs, toMs: this.nowMs };
    this.records.set(windowKey(window), this.withBaselineErrors(simulateWindow(ruleSet, requests, fromMs, this.nowMs, random)));
    return window;
  }

  async readOutcomes(workload: Workload, window: TrialWindow): Promise<Outcomes> {
    const record = this.records.get(windowKey(window));
    if (!record) throw new Error(`no simulated window ${windowKey(window)}`);
    return outcomesOf(record, workload, window);
  }

  async delete(name: string): Promise<void> {
    this.policies.delete(name);
  }

  async readQuietOutcomes(workload: Workload): Promise<Outcomes> {
    const random = streamRandom(this.options.seed, 'simulate:quiet', this.quietReads++);
    const fromMs = this.nowMs;
    const toMs = fromMs + QUIET_SECONDS * 1000;
    const ruleSet = compileRuleSet([...this.policies.values()], { epoch: 'simulated', version: 1 });
    const requests = Math.round((this.options.rate ?? ENTRY_REQUESTS_PER_SECOND) * QUIET_SECONDS);
    const record = this.withBaselineErrors(simulateWindow(ruleSet, requests, fromMs, toMs, random));
    return outcomesOf(record, workload, { fromMs, toMs });
  }

  /** Policies currently applied (a test checks that every trial's policy is gone afterwards). */
  activePolicies(): string[] {
    return [...this.policies.keys()];
  }

  private withBaselineErrors(record: MeshRecord): MeshRecord {
    const rate = this.options.baselineErrorRate ?? 0;
    if (rate <= 0) return record;
    // Deterministic: the first share of each service's responses become 500s.
    const broken = (responses: MeshRecord[MeshService]) =>
      responses.map((r, i) => (i < Math.round(rate * responses.length) ? { status: 500, ms: r.ms } : r));
    return { frontend: broken(record.frontend), cart: broken(record.cart), catalog: broken(record.catalog) };
  }
}

function windowKey(window: TrialWindow): string {
  return `${window.fromMs}-${window.toMs}`;
}

function outcomesOf(record: MeshRecord, workload: Workload, window: TrialWindow): Outcomes {
  const responses = (record as Partial<MeshRecord>)[workload.service as MeshService] ?? [];
  const statuses: Record<string, number> = {};
  for (const r of responses) statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  const sorted = responses.map((r) => r.ms).sort((a, b) => a - b);
  const quantile = (q: number): number =>
    sorted.length === 0 ? 0 : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return {
    workload,
    window: { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() },
    requests: responses.length,
    statuses,
    latencyMs: { p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), max: round(sorted.at(-1) ?? 0) },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
