// Held data-plane polls. One set of waiters, woken together when a new rule set is published
// (no per-poll scanning or timers beyond each poll's own hold limit).
import type { CompiledRuleSet, Identity } from '@hfi/policy';
import { isNewerFor, type RuleSetHub, type ServedRuleSet } from './hub.js';

export type PollAnswer = { kind: 'ruleset'; served: ServedRuleSet; woken: boolean } | { kind: 'unchanged' };

export interface HeldPoll {
  identity: Identity;
  held: { epoch: string; version: number };
  holdMs: number;
}

interface Waiter {
  poll: HeldPoll;
  finish: (answer: PollAnswer) => void;
}

export const MAX_HOLD_MS = 60_000;

export class LongPolls {
  private readonly waiters = new Set<Waiter>();
  private readonly unsubscribe: () => void;
  private closing = false;

  constructor(private readonly hub: RuleSetHub) {
    this.unsubscribe = hub.subscribe((ruleSet) => this.wake(ruleSet));
  }

  /**
   * Answers at once when a newer rule set exists for this data plane, otherwise holds up to
   * min(holdMs, 60 s). `cancelled` settles when the client went away: the poll leaves the set.
   * Returns undefined when the hub has no rule set yet.
   */
  answer(poll: HeldPoll, cancelled: Promise<void>): Promise<PollAnswer> | undefined {
    const current = this.hub.current();
    if (!current) return undefined;
    if (isNewerFor(current, poll.held)) return Promise.resolve(this.ruleSetFor(poll, false));
    const holdMs = Math.min(poll.holdMs, MAX_HOLD_MS);
    if (holdMs === 0 || this.closing) return Promise.resolve({ kind: 'unchanged' });
    return new Promise<PollAnswer>((resolve) => {
      const waiter: Waiter = {
        poll,
        finish: (answer) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(answer);
        },
      };
      const timer = setTimeout(() => waiter.finish({ kind: 'unchanged' }), holdMs);
      this.waiters.add(waiter);
      void cancelled.then(() => waiter.finish({ kind: 'unchanged' }));
    });
  }

  get held(): number {
    return this.waiters.size;
  }

  /** Shutdown: every held poll is answered 304 and no new one is held. */
  releaseAll(): void {
    this.closing = true;
    this.unsubscribe();
    for (const waiter of [...this.waiters]) waiter.finish({ kind: 'unchanged' });
  }

  private wake(ruleSet: CompiledRuleSet): void {
    for (const waiter of [...this.waiters]) {
      if (isNewerFor(ruleSet, waiter.poll.held)) waiter.finish(this.ruleSetFor(waiter.poll, true));
    }
  }

  private ruleSetFor(poll: HeldPoll, woken: boolean): PollAnswer {
    return { kind: 'ruleset', served: this.hub.serve(poll.identity)!, woken };
  }
}
