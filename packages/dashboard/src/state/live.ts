// The control plane's state as the dashboard shows it, kept live: the rule-set stream (SSE over fetch, so
// that the token travels in a header) announces every publication, and each one re-reads the policies,
// halts and data planes; a status poll every few seconds brings the fault counts, which change without a
// publication. Everything is a signal: a view re-renders when what it reads changes.
import {
  type AuditEntry,
  type DataPlane,
  type HfiClient,
  isHfiError,
  type PolicyStatusItem,
  type PolicyWithStatus,
  type StoredHalt,
} from '@hfi/client';
import { batch, signal } from '@preact/signals';
import { coalesced } from '../model/coalesce.js';
import type { HeldRuleSet } from '../model/lag.js';
import { describeFailure, needsSignIn } from '../model/messages.js';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

export interface LiveOptions {
  now: () => number;
  /** How often fault counts and data planes are read. */
  pollMs: number;
  /** The longest wait before reconnecting the stream. */
  maxRetryMs: number;
  onError: (message: string) => void;
}

export class LiveData {
  readonly policies = signal<PolicyWithStatus[]>([]);
  /** From the status poll: fresher than the statuses in `policies`. */
  readonly statuses = signal<ReadonlyMap<string, PolicyStatusItem>>(new Map());
  readonly halts = signal<StoredHalt[]>([]);
  readonly dataPlanes = signal<DataPlane[]>([]);
  /** The rule set the control plane publishes now (from the stream). */
  readonly current = signal<HeldRuleSet | undefined>(undefined);
  readonly connection = signal<Connection>('connecting');
  /** Whether the policies were read once: the table shows "loading" until then. */
  readonly loaded = signal(false);
  /** When the status poll last answered (the clock's milliseconds). */
  readonly polledAt = signal(0);

  private stopped = new AbortController();
  private readonly refresh = coalesced(() => this.readAll());
  private readonly poll = coalesced(() => this.readCounts());

  constructor(
    private readonly client: HfiClient,
    private readonly options: LiveOptions,
  ) {}

  start(): void {
    void this.refresh();
    void this.follow();
    const timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.stopped.signal.addEventListener('abort', () => clearInterval(timer));
  }

  stop(): void {
    this.stopped.abort();
  }

  /** One policy as the server has it now (with its per-rule counts); undefined when there is none. */
  async fetchPolicy(name: string): Promise<PolicyWithStatus | undefined> {
    let policy: PolicyWithStatus | undefined;
    await this.guard(`Reading policy ${name}`, async () => {
      try {
        policy = await this.client.getPolicy(name);
      } catch (error) {
        if (!isHfiError(error, 'HFI_NOT_FOUND')) throw error;
      }
    });
    return policy;
  }

  /** The newest `limit` audit entries of one policy; undefined when they could not be read (already told). */
  async fetchHistory(name: string, limit: number): Promise<AuditEntry[] | undefined> {
    let entries: AuditEntry[] | undefined;
    await this.guard(`Reading the history of ${name}`, async () => {
      entries = await this.client.audit({ policy: name, limit });
    });
    return entries;
  }

  /** The injected clock's milliseconds. */
  clockNow(): number {
    return this.options.now();
  }

  /** After a write: show its effect now rather than at the next publication. */
  reload(): Promise<void> {
    return this.refresh();
  }

  private async readAll(): Promise<void> {
    await this.guard('Reading the policies', async () => {
      const [policies, halts, dataPlanes] = await Promise.all([
        this.client.listPolicies(),
        this.client.listHalts(),
        this.client.listDataPlanes(),
      ]);
      batch(() => {
        this.policies.value = policies;
        this.statuses.value = new Map();
        this.halts.value = halts;
        this.dataPlanes.value = dataPlanes;
        this.loaded.value = true;
      });
    });
  }

  private async readCounts(): Promise<void> {
    if (this.connection.value === 'signed-out') return;
    await this.guard('Reading the fault counts', async () => {
      const [statuses, dataPlanes] = await Promise.all([this.client.policyStatuses(), this.client.listDataPlanes()]);
      batch(() => {
        this.statuses.value = new Map(statuses.map((s) => [s.name, s]));
        this.dataPlanes.value = dataPlanes;
        this.polledAt.value = this.options.now();
      });
    });
  }

  /** Follows the rule-set stream until stopped, reconnecting with a growing pause after a failure. */
  private async follow(): Promise<void> {
    let retryMs = 500;
    while (!this.stopped.signal.aborted) {
      try {
        const events = await this.client.watchRuleSets(this.stopped.signal);
        this.connection.value = 'live';
        retryMs = 500;
        for await (const event of events) {
          const ruleSet = JSON.parse(event.data) as HeldRuleSet;
          this.current.value = { epoch: ruleSet.epoch, version: ruleSet.version };
          void this.refresh();
        }
      } catch (error) {
        if (this.stopped.signal.aborted) return;
        if (needsSignIn(error)) {
          this.connection.value = 'signed-out';
          return;
        }
      }
      if (this.stopped.signal.aborted) return;
      this.connection.value = 'reconnecting';
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, this.options.maxRetryMs);
    }
  }

  private async guard(action: string, read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (error) {
      if (this.stopped.signal.aborted) return;
      if (needsSignIn(error)) this.connection.value = 'signed-out';
      else this.options.onError(describeFailure(action, error));
    }
  }
}
