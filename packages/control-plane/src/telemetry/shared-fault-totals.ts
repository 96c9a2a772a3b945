// Fault totals whichever replica answers (issue 15): each replica counts the deltas of the data planes that
// poll it (fault-ledger.ts), publishes its per-policy totals as its summary on the replica board (etcd,
// bound to its lease) about every second when they changed, and reads the other replicas'. A policy's
// status.faults is this replica's totals plus the others' latest summaries plus what stopped replicas handed
// on (the retired summary, per policy incarnation: a policy deleted and created again starts from zero).
// The per-rule totals travel with them (`rules`, by rule index); a summary without them counts for the
// policy's totals only; one without `wouldInject` (an older replica's) counts 0 there.
// A summary that cannot be read is left out and reported; it never fails a status.
import { PeriodicRound } from '../periodic-round.js';
import type { ReplicaBoard } from '../store/types.js';
import { addTally, type FaultLedger, type FaultTally, type PolicyFaultTotals, type PolicyTotals } from './fault-ledger.js';

const TOPIC = 'faults';
/** How often a replica publishes its totals (when they changed) and reads the others'. */
const SHARE_INTERVAL_MS = 1000;
/** Publishes again even when nothing changed, so a summary lost with a lease (etcd restarted) comes back. */
const REPUBLISH_EVERY = 10;

/** A live replica's summary: its totals per policy. */
type LiveSummary = Record<string, PolicyTotals>;
/** The retired summary: per policy, the incarnation (createdAt) the totals belong to. */
type RetiredSummary = Record<string, PolicyTotals & { createdAt: string }>;

export class SharedFaultTotals implements PolicyFaultTotals {
  /** The other replicas' totals and the retired ones, summed per policy. */
  private others = new Map<string, PolicyTotals>();
  private publishedChanges = -1;
  private ticks = 0;
  private readonly rounds = new PeriodicRound(() => this.shareOnce());
  private retired = false;

  constructor(
    private readonly ledger: FaultLedger,
    private readonly board: ReplicaBoard,
    /** The createdAt of the policy of that name this replica holds (undefined: none). */
    private readonly policyCreatedAt: (name: string) => string | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  policyTotals(name: string): FaultTally {
    const mine = this.ledger.policyTotals(name);
    const theirs = this.others.get(name);
    return theirs ? sumOf(mine, theirs) : mine;
  }

  ruleTotals(name: string, ruleCount: number): FaultTally[] {
    const mine = this.ledger.ruleTotals(name, ruleCount);
    const theirs = this.others.get(name)?.rules ?? [];
    return mine.map((m, i) => sumOf(m, theirs[i]));
  }

  start(intervalMs = SHARE_INTERVAL_MS): void {
    this.rounds.start(intervalMs);
  }

  /** One round: publish this replica's totals if they changed, then read every other replica's. */
  share(): Promise<void> {
    return this.rounds.run();
  }

  /** Stops sharing and hands this replica's totals on to the retired summary (a replica stopping). */
  async retire(): Promise<void> {
    await this.rounds.stop();
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
    for (const [name, totals] of this.ledger.allPolicyTotals()) summary[name] = copyOf(totals);
    await this.board.publish(TOPIC, JSON.stringify(summary));
    this.publishedChanges = changes;
  }

  /** The retired summary with this replica's totals added; policies no longer held (or held anew) dropped. */
  private merged(text: string | undefined): RetiredSummary {
    const merged: RetiredSummary = {};
    for (const [name, counts] of Object.entries(this.parse(text, 'retired'))) {
      if (isCounts(counts) && typeof counts.createdAt === 'string' && this.policyCreatedAt(name) === counts.createdAt) {
        merged[name] = { createdAt: counts.createdAt, ...copyOf(counts) };
      }
    }
    for (const [name, totals] of this.ledger.allPolicyTotals()) {
      const createdAt = this.policyCreatedAt(name);
      if (createdAt === undefined) continue;
      const sum = merged[name] ?? { createdAt, aborts: 0, delays: 0, wouldInject: 0, rules: [] };
      addTo(sum, totals);
      merged[name] = sum;
    }
    return merged;
  }

  /** The live summaries and the retired one summed per policy, policies this replica does not hold left out. */
  private sumOf(live: ReadonlyMap<string, string>, retired: string | undefined): Map<string, PolicyTotals> {
    const sums = new Map<string, PolicyTotals>();
    const add = (name: string, counts: SummaryCounts): void => {
      const sum = sums.get(name) ?? { aborts: 0, delays: 0, wouldInject: 0, rules: [] };
      addTo(sum, counts);
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

/** Counts as a summary holds them: `wouldInject` may be absent (a summary of a replica older than dry runs). */
type SummaryCounts = { aborts: number; delays: number; wouldInject?: unknown; createdAt?: unknown; rules?: unknown };

/** The tally of summary counts, `wouldInject` 0 unless it reads as a count. */
function tallyOf(counts: SummaryCounts | undefined): FaultTally {
  if (counts === undefined) return { aborts: 0, delays: 0, wouldInject: 0 };
  const wouldInject = Number.isSafeInteger(counts.wouldInject) ? (counts.wouldInject as number) : 0;
  return { aborts: counts.aborts, delays: counts.delays, wouldInject };
}

function sumOf(a: FaultTally, b: SummaryCounts | undefined): FaultTally {
  const sum = { ...a };
  addTally(sum, tallyOf(b));
  return sum;
}

/** Adds `counts` (and its per-rule totals, those that read as counts) into `sum`. */
function addTo(sum: PolicyTotals, counts: SummaryCounts): void {
  addTally(sum, tallyOf(counts));
  if (!Array.isArray(counts.rules)) return;
  counts.rules.forEach((rule: unknown, i) => {
    if (!isCounts(rule)) return;
    addTally((sum.rules[i] ??= { aborts: 0, delays: 0, wouldInject: 0 }), tallyOf(rule));
  });
}

/** A plain copy to publish: holes in the per-rule totals (indexes never reported) become zeros. */
function copyOf(totals: SummaryCounts): PolicyTotals {
  const sum: PolicyTotals = { aborts: 0, delays: 0, wouldInject: 0, rules: [] };
  addTo(sum, totals);
  sum.rules = Array.from(sum.rules, (r) => r ?? { aborts: 0, delays: 0, wouldInject: 0 });
  return sum;
}

function isCounts(value: unknown): value is SummaryCounts {
  const v = value as Partial<SummaryCounts> | null;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(v.aborts) && Number.isSafeInteger(v.delays);
}
