// Fault totals whichever replica answers (issue 15): each replica counts the deltas of the data planes that
// poll it (fault-ledger.ts), publishes its per-policy totals as its summary on the replica board (etcd,
// bound to its lease) about every second when they changed, and reads the other replicas'. A policy's
// status.faults is this replica's totals plus the others' latest summaries. A summary that cannot be read
// is left out and reported; it never fails a status.
import type { FaultCounts } from '@hfi/api';
import type { ReplicaBoard } from '../store/types.js';
import type { FaultLedger, PolicyFaultTotals } from './fault-ledger.js';

const TOPIC = 'faults';
/** How often a replica publishes its totals (when they changed) and reads the others'. */
const SHARE_INTERVAL_MS = 1000;
/** Publishes again even when nothing changed, so a summary lost with a lease (etcd restarted) comes back. */
const REPUBLISH_EVERY = 10;

type Summary = Record<string, FaultCounts>;

export class SharedFaultTotals implements PolicyFaultTotals {
  /** The other replicas' totals, summed per policy. */
  private others = new Map<string, FaultCounts>();
  private publishedChanges = -1;
  private ticks = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ledger: FaultLedger,
    private readonly board: ReplicaBoard,
    private readonly policyExists: (name: string) => boolean,
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

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: publish this replica's totals if they changed, then read every other replica's. */
  async share(): Promise<void> {
    if (this.running) return; // a slow store: the next tick does it
    this.running = true;
    try {
      await this.publish();
      this.others = sumOf(await this.board.read(TOPIC), this.policyExists, this.onError);
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
    }
  }

  private async publish(): Promise<void> {
    const changes = this.ledger.changes;
    if (changes === this.publishedChanges && ++this.ticks % REPUBLISH_EVERY !== 0) return;
    const summary: Summary = {};
    for (const [name, totals] of this.ledger.allPolicyTotals()) summary[name] = { aborts: totals.aborts, delays: totals.delays };
    await this.board.publish(TOPIC, JSON.stringify(summary));
    this.publishedChanges = changes;
  }
}

/** The other replicas' summaries summed per policy; a summary that is not one is left out and reported. */
function sumOf(summaries: ReadonlyMap<string, string>, policyExists: (name: string) => boolean, onError: (error: unknown) => void) {
  const sums = new Map<string, FaultCounts>();
  for (const [replica, text] of summaries) {
    let summary: unknown;
    try {
      summary = JSON.parse(text);
    } catch {
      onError(new Error(`the fault summary of replica ${replica} is not JSON: left out`));
      continue;
    }
    if (typeof summary !== 'object' || summary === null) continue;
    for (const [name, counts] of Object.entries(summary as Record<string, unknown>)) {
      if (!policyExists(name) || !isCounts(counts)) continue;
      const sum = sums.get(name) ?? { aborts: 0, delays: 0 };
      sum.aborts += counts.aborts;
      sum.delays += counts.delays;
      sums.set(name, sum);
    }
  }
  return sums;
}

function isCounts(value: unknown): value is FaultCounts {
  const v = value as Partial<FaultCounts> | null;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(v.aborts) && Number.isSafeInteger(v.delays);
}
