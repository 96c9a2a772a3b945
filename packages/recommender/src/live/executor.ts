// Trials against a control plane, through @hfi/client: each trial policy is applied and waited for until every
// targeted data plane holds it, the scored workload's outcomes are read from /v1/workloads over a window that lies
// wholly inside the fault's time, and the policy is deleted. Outcomes arrive in reports every 2 s, counted by when
// they arrive, so the window starts one report interval after the fault is in force (a report sent earlier may carry
// traffic from before it) and ends before the policy can have expired, or when a stop condition halted it.
import { type HaltReason, OUTCOME_REPORT_INTERVAL_MS } from '@hfi/api';
import { type FaultInjectionPolicy, type HfiClient, type InjectedFault, isHfiError, type Workload as WorkloadFigures } from '@hfi/client';
import { LABELS } from '../encoding/policy.js';
import type { SearchSpace, Workload } from '../space/types.js';
import type { TrialExecutor, TrialWindow } from '../trials/executor.js';
import type { Outcomes } from '../trials/outcomes.js';

export interface LiveClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface LiveExecutorOptions {
  /** A read with fewer requests than this is refused rather than scored (too little traffic to tell anything). */
  minRequests?: number;
  /** How long a policy may take to reach every targeted data plane. */
  appliedTimeoutMs?: number;
}

/** Ends the window this long before the policy's earliest possible expiry, so the last second is still faulted. */
const EXPIRY_MARGIN_MS = 500;
/** The quiet read between trials: one report interval for the last trial's reports to arrive, then this window (two reports of each data plane). */
const QUIET_WINDOW_S = 4;
const DEFAULT_MIN_REQUESTS = 10;
/** How often a running trial's status is read, to see a stop condition halt it (status.haltReason). */
const STOP_POLL_MS = 500;
/** Apply and propagate (~1 s), one report interval, a window of at least 1 s, the margin. */
/** The shortest window a stopped trial is read over: one report interval, and the partial second a read counts. */
const MIN_STOPPED_WINDOW_MS = OUTCOME_REPORT_INTERVAL_MS + 1000;
const MIN_LIVE_TRIAL_SECONDS = Math.ceil((1000 + OUTCOME_REPORT_INTERVAL_MS + 1000 + EXPIRY_MARGIN_MS) / 1000);

export class LiveExecutor implements TrialExecutor {
  readonly mode = 'live';
  private readonly applied = new Map<string, { fault: InjectedFault; writtenFromMs: number; inForceAtMs: number }>();
  private readonly minRequests: number;

  constructor(
    private readonly client: HfiClient,
    private readonly clock: LiveClock,
    private readonly options: LiveExecutorOptions = {},
  ) {
    this.minRequests = options.minRequests ?? DEFAULT_MIN_REQUESTS;
  }

  /** What the control plane's figures cannot score: status classes only, p50 and p99 only, whole-second windows. */
  checkSpace(space: SearchSpace): string[] {
    const problems: string[] = [];
    if (space.trialSeconds < MIN_LIVE_TRIAL_SECONDS) {
      problems.push(
        `  trialLength: ${space.trialSeconds}s is too short for live trials: at least ${MIN_LIVE_TRIAL_SECONDS}s (the policy must reach the data planes, then outcomes arrive every ${OUTCOME_REPORT_INTERVAL_MS / 1000}s)`,
      );
    }
    space.objective.errorRate?.count.forEach((c, i) => {
      if (!/^\dxx$/.test(c))
        problems.push(`  objective.errorRate.count[${i}]: "${c}": live outcomes count status classes (5xx, 4xx), not single statuses`);
    });
    if (space.objective.latency?.quantile === 'p90') {
      problems.push('  objective.latency.quantile: p90: live outcomes have p50 and p99 only');
    }
    return problems;
  }

  async workloads(): Promise<Workload[]> {
    const known = new Map<string, Workload>();
    for (const dp of await this.client.listDataPlanes()) {
      const { service, namespace } = dp.identity;
      if (service !== null && namespace !== null) known.set(`${namespace}/${service}`, { service, namespace });
    }
    return [...known.values()];
  }

  async removeLeftovers(sessionId: string): Promise<string[]> {
    const leftovers = (await this.client.listPolicies()).filter((p) => p.metadata.labels?.[LABELS.session] === sessionId);
    for (const p of leftovers) await this.delete(p.metadata.name);
    return leftovers.map((p) => p.metadata.name);
  }

  async apply(policy: FaultInjectionPolicy): Promise<void> {
    const writtenFromMs = this.clock.now();
    const fault = await this.client.inject(policy, { appliedTimeoutMs: this.options.appliedTimeoutMs ?? 15_000 });
    try {
      await fault.applied();
    } catch (error) {
      // Written but not in force everywhere: the runner deletes only what apply() reported applied, so delete it here.
      await this.delete(policy.metadata.name).catch(() => undefined);
      throw error;
    }
    this.applied.set(policy.metadata.name, { fault, writtenFromMs, inForceAtMs: this.clock.now() });
  }

  async waitForWindow(policy: FaultInjectionPolicy, seconds: number): Promise<TrialWindow> {
    const trial = this.applied.get(policy.metadata.name);
    if (!trial) throw new Error(`policy ${policy.metadata.name} was not applied`);
    const toMs = trial.writtenFromMs + seconds * 1000 - EXPIRY_MARGIN_MS;
    const windowSeconds = Math.floor((toMs - trial.inForceAtMs - OUTCOME_REPORT_INTERVAL_MS) / 1000);
    if (windowSeconds < 1) {
      throw new Error(
        `the policy took ${trial.inForceAtMs - trial.writtenFromMs} ms to reach the data planes, which leaves no window of its ${seconds}s to read; use a longer trialLength`,
      );
    }
    const fromMs = toMs - windowSeconds * 1000;
    for (;;) {
      await this.clock.sleep(Math.max(0, Math.min(STOP_POLL_MS, toMs - this.clock.now())));
      const { haltReason } = await this.client.policyStatus(policy.metadata.name);
      if (haltReason) return this.stoppedWindow(trial.inForceAtMs, haltReason);
      if (this.clock.now() >= toMs) return { fromMs, toMs };
    }
  }

  /**
   * A stop condition halted the trial: the window it ran, from one report interval after the policy was in force to
   * the halt seen now, whole seconds. It is at least MIN_STOPPED_WINDOW_MS long: /v1/workloads counts whole seconds,
   * the current one partly, so a window of one report interval can hold no report at all. A halt seen sooner makes a
   * window that reaches back to when the policy came in force (reports that may carry traffic from before it) and, if
   * that is not enough, waits past the halt.
   */
  private async stoppedWindow(inForceAtMs: number, stoppedBy: HaltReason): Promise<TrialWindow> {
    const cleanFromMs = inForceAtMs + OUTCOME_REPORT_INTERVAL_MS;
    const toMs = Math.max(this.clock.now(), inForceAtMs + MIN_STOPPED_WINDOW_MS);
    await this.clock.sleep(toMs - this.clock.now());
    // A halt seen late (the server's evaluation round, the status read) still has the reports that tripped it in the
    // window: it reaches back to the second before the halt, but never to before the policy was in force.
    const haltAtMs = Date.parse(stoppedBy.at);
    const toHalt = Number.isFinite(haltAtMs) ? Math.ceil((toMs - haltAtMs) / 1000) + 1 : 0;
    const sinceInForce = Math.floor((toMs - inForceAtMs) / 1000);
    const seconds = Math.max(MIN_STOPPED_WINDOW_MS / 1000, Math.floor((toMs - cleanFromMs) / 1000), Math.min(toHalt, sinceInForce));
    return { fromMs: toMs - seconds * 1000, toMs, stoppedBy };
  }

  async readOutcomes(workload: Workload, window: TrialWindow): Promise<Outcomes> {
    return this.read(workload, window);
  }

  async delete(name: string): Promise<void> {
    this.applied.delete(name);
    try {
      await this.client.deletePolicy(name);
    } catch (error) {
      if (!isHfiError(error, 'HFI_NOT_FOUND')) throw error; // already gone (expired and removed, or by hand): fine
    }
  }

  async readQuietOutcomes(workload: Workload): Promise<Outcomes> {
    await this.clock.sleep(OUTCOME_REPORT_INTERVAL_MS + QUIET_WINDOW_S * 1000);
    const toMs = this.clock.now();
    return this.read(workload, { fromMs: toMs - QUIET_WINDOW_S * 1000, toMs });
  }

  /** /v1/workloads is a sliding window ending now: read as soon as the window ends. */
  private async read(workload: Workload, window: TrialWindow): Promise<Outcomes> {
    const seconds = Math.round((window.toMs - window.fromMs) / 1000);
    const list = await this.client.workloads({ window: `${seconds}s`, service: workload.service, namespace: workload.namespace });
    const figures = list.items.find((w) => w.service === workload.service && w.namespace === workload.namespace);
    const requests = figures?.requests ?? 0;
    if (!figures || requests < this.minRequests || figures.p50Ms === null || figures.p99Ms === null) {
      throw new Error(
        `${workload.namespace}/${workload.service} had ${requests} requests in the ${seconds}s window; at least ${this.minRequests} are needed to score it (is traffic reaching it?)`,
      );
    }
    return {
      workload,
      window: { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() },
      requests,
      statuses: statusesOf(figures),
      latencyMs: { p50: figures.p50Ms, p99: figures.p99Ms },
    };
  }
}

/** Upstream responses and HFI's own replies together, by class; "other" (no response) becomes "0". */
function statusesOf(figures: WorkloadFigures): Record<string, number> {
  const statuses: Record<string, number> = {};
  for (const [cls, n] of Object.entries(figures.status)) {
    const total = n + (figures.local[cls] ?? 0);
    if (total > 0) statuses[cls === 'other' ? '0' : cls] = total;
  }
  return statuses;
}
