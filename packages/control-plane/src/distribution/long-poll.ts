// Held data-plane polls. One set of waiters, woken together when a new rule set is published
// (no per-poll scanning or timers beyond each poll's own hold limit). A woken poll's responder runs
// synchronously inside the publication, so 1,000 held polls are answered in one pass with the same
// serialised bytes, not through 1,000 promise continuations.
import { API_LIMITS } from '@hfi/api';
import { type CompiledRuleSet, type Identity, wireFormFor } from '@hfi/policy';
import type { RuleSetHub } from './hub.js';
import type { ServedRuleSet } from './served-rule-sets.js';

export type PollAnswer = { kind: 'ruleset'; served: ServedRuleSet; woken: boolean } | { kind: 'unchanged' };

/** Receives a poll's answer, exactly once (and never after the poll was cancelled). */
export type PollResponder = (answer: PollAnswer) => void;

export interface HeldPoll {
  identity: Identity;
  /** The newest wire version the data plane reads: it gets the newest form it reads. */
  wireVersion: number;
  held: { epoch: string; version: number };
  holdMs: number;
}

interface Waiter {
  poll: HeldPoll;
  respond: PollResponder;
  timer: NodeJS.Timeout;
}

export class LongPolls {
  private readonly waiters = new Set<Waiter>();
  private readonly unsubscribe: () => void;
  private closing = false;

  constructor(
    private readonly hub: RuleSetHub,
    /** A responder that throws is reported here; the other polls are still answered. */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.unsubscribe = hub.subscribe((ruleSet) => this.wake(ruleSet));
  }

  /**
   * Answers at once (synchronously) when a newer rule set was published for this data plane, otherwise holds
   * up to min(holdMs, 60 s). Returns a function that cancels the hold when the client went away (the
   * responder is then not called), or undefined when the hub has no rule set yet (nor is it called).
   */
  answer(poll: HeldPoll, respond: PollResponder): (() => void) | undefined {
    const current = this.hub.published();
    if (!current) return undefined;
    const nothing = (): void => undefined;
    if (isNewerFor(current, poll.held)) {
      respond(this.ruleSetFor(poll, false));
      return nothing;
    }
    const holdMs = Math.min(poll.holdMs, API_LIMITS.maxHoldMs);
    if (holdMs === 0 || this.closing) {
      respond({ kind: 'unchanged' });
      return nothing;
    }
    const waiter: Waiter = { poll, respond, timer: setTimeout(() => this.finish(waiter, { kind: 'unchanged' }), holdMs) };
    this.waiters.add(waiter);
    return () => {
      if (this.waiters.delete(waiter)) clearTimeout(waiter.timer);
    };
  }

  get held(): number {
    return this.waiters.size;
  }

  /** Shutdown: every held poll is answered 304 and no new one is held. */
  releaseAll(): void {
    this.closing = true;
    this.unsubscribe();
    for (const waiter of [...this.waiters]) this.finish(waiter, { kind: 'unchanged' });
  }

  private finish(waiter: Waiter, answer: PollAnswer): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    try {
      waiter.respond(answer);
    } catch (error) {
      this.onError(error);
    }
  }

  private wake(ruleSet: CompiledRuleSet): void {
    for (const waiter of [...this.waiters]) {
      if (isNewerFor(ruleSet, waiter.poll.held)) this.finish(waiter, this.ruleSetFor(waiter.poll, true));
    }
  }

  private ruleSetFor(poll: HeldPoll, woken: boolean): PollAnswer {
    const form = wireFormFor(poll.wireVersion);
    return { kind: 'ruleset', served: this.hub.serve(poll.identity, { pending: 'wait', form })!, woken };
  }
}

/** Wire rule: a data plane takes a rule set when the epoch differs or the version is greater. */
function isNewerFor(ruleSet: CompiledRuleSet, held: { epoch: string; version: number }): boolean {
  return ruleSet.epoch !== held.epoch || ruleSet.version > held.version;
}
