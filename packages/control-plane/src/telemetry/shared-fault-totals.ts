// Fault totals whichever replica answers (issue 15): each replica counts the deltas of the data planes that
// poll it (fault-ledger.ts), publishes its per-policy totals as its summary on the replica board (etcd,
// bound to its lease) about every second when they changed, and reads the other replicas'. A policy's
// status.faults is this replica's totals plus the others' latest summaries plus what stopped replicas handed
// on (the retired summary, per policy incarnation: a policy deleted and created again starts from zero).
// A summary that cannot be read is left out and reported; it never fails a status.
import type { FaultCounts } from '@hfi/api';
import type { ReplicaBoard } from '../store/types.js';
import type { FaultLedger, PolicyFaultTotals } from './fault-ledger.js';

const TOPIC = 'faults';
/** How often a replica publishes its totals (when they changed) and reads the others'. */
const SHARE_INTERVAL_MS = 1000;
/** Publishes again even when nothing changed, so a summary lost with a lease (etcd restarted) comes back. */
const REPUBLISH_EVERY = 10;

/** A live replica's summary: its totals per policy. */
type LiveSummary = Record<string, FaultCounts>;
/** The retired summary: per policy, the incarnation (createdAt) the totals belong to. */
type RetiredSummary = Record<string, FaultCounts & { createdAt: string }>;

export class SharedFaultTotals implements PolicyFaultTotals {
  /** The other replicas' totals and the retired ones, summed per policy. */
  private others = new Map<string, FaultCounts>();
  private publishedChanges = -1;
  private ticks = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private retired = false;

  constructor(
    private readonly ledger: FaultLedger,
    private readonly board: ReplicaBoard,
    /** The createdAt of the policy of that name this replica holds (undefined: none). */
    private readonly policyCreatedAt: (name: string) => string | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  policyTotals(name: string): FaultCounts {
    const mine = this.ledger.policyTotals(name);
    const theirs = this.others.get(name);
    if (!theirs) return mine;
    return { aborts: mine.aborts + theirs.aborts, delays: mine.delays + theirs.delays };
  }

  start(intervalMs = SHARE_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.share(), intervalMs);
    this.timer.unref();
  }

  /** One round: publish this replica's totals if they changed, then read every other replica's. */
  share(): Promise<void> {
    this.round ??= this.shareOnce().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /** Stops sharing and hands this replica's totals on to the retired summary (a replica stopping). */
  async retire(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
    this.retired = true;
    await this.board.retire(TOPIC, (text) => JSON.stringify(this.merged(text)));
  }

  private async shareOnce(): Promise<void> {
    try {
      await this.publish();
      const { live, retired } = await this.board.read(TOPIC);
      this.others = this.sumOf(live, retired);
    } catch (error) {
      this.onError(error);
    }
  }

  private async publish(): Promise<void> {
    if (this.retired) return;
    const changes = this.ledger.changes;
    if (changes === this.publishedChanges && ++this.ticks % REPUBLISH_EVERY !== 0) return;
    const summary: LiveSummary = {};
    for (const [name, totals] of this.ledger.allPolicyTotals()) summary[name] = { aborts: totals.aborts, delays: totals.delays };
    await this.board.publish(TOPIC, JSON.stringify(summary));
    this.publishedChanges = changes;
  }

  /** The retired summary with this replica's totals added; policies no longer held (or held anew) dropped. */
  private merged(text: string | undefined): RetiredSummary {
    const merged: RetiredSummary = {};
    for (const [name, counts] of Object.entries(this.parse(text, 'retired'))) {
      if (isCounts(counts) && typeof counts.createdAt === 'string' && this.policyCreatedAt(name) === counts.createdAt) {
        merged[name] = { createdAt: counts.createdAt, aborts: counts.aborts, delays: counts.delays };
      }
    }
    for (const [name, totals] of this.ledger.allPolicyTotals()) {
      const createdAt = this.policyCreatedAt(name);
      if (createdAt === undefined) continue;
      const sum = merged[name] ?? { createdAt, aborts: 0, delays: 0 };
      merged[name] = { createdAt, aborts: sum.aborts + totals.aborts, delays: sum.delays + totals.delays };
    }
    return merged;
  }

  /** The live summaries and the retired one summed per policy, policies this replica does not hold left out. */
  private sumOf(live: ReadonlyMap<string, string>, retired: string | undefined): Map<string, FaultCounts> {
    const sums = new Map<string, FaultCounts>();
    const add = (name: string, counts: FaultCounts): void => {
      const sum = sums.get(name) ?? { aborts: 0, delays: 0 };
      sum.aborts += counts.aborts;
      sum.delays += counts.delays;
      sums.set(name, sum);
    };
    for (const [replica, text] of live) {
      for (const [name, counts] of Object.entries(this.parse(text, `replica ${replica}`))) {
        if (isCounts(counts) && this.policyCreatedAt(name) !== undefined) add(name, counts);
      }
    }
    for (const [name, counts] of Object.entries(this.parse(retired, 'retired'))) {
      if (isCounts(counts) && this.policyCreatedAt(name) === (counts as { createdAt?: unknown }).createdAt) add(name, counts);
    }
    return sums;
  }

  private parse(text: string | undefined, whose: string): Record<string, unknown> {
    if (text === undefined) return {};
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    this.onError(new Error(`the fault summary of ${whose} is not a JSON object: left out`));
    return {};
  }
}

function isCounts(value: unknown): value is FaultCounts & { createdAt?: unknown } {
  const v = value as Partial<FaultCounts> | null;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(v.aborts) && Number.isSafeInteger(v.delays);
}
