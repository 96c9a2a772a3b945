// Fault counters as the control plane receives them (docs/wire-format.md "Fault counters"): per-rule counts
// since the last report, sent as one numbered report that is repeated as is until an answer acknowledges it,
// so nothing is lost and nothing is counted twice. Only rules of the current set keep counters: a rule that
// left the set is forgotten once its counts were reported. The poll carries the report today; a separate,
// frequent report call could carry the same one.

import { jsonQuote } from './json';
import { MAX_COUNTED_RULES } from './limits';

export class RuleCounters {
  aborts: i64 = 0;
  delays: i64 = 0;
  /** Requests a dry-run rule picked and let pass (faults/dry-run.ts). */
  wouldInject: i64 = 0;
  /** The rule-set generation that last attached these counters to a rule. */
  generation: u32 = 0;
  /** Forgotten by the tally: a rule still holding them must look its counters up again. */
  removed: bool = false;
}

export class FaultTally {
  private readonly byRule: Map<string, RuleCounters> = new Map<string, RuleCounters>();
  /** Grows with every rule set loaded; counters not attached in the current one are forgotten once reported. */
  private generation: u32 = 1;
  private seq: i64 = 0;
  /** The report sent and not yet acknowledged ("" when none). */
  private unacknowledged: string = '';

  /** The counters of `ruleId`, for a rule of the current set at its first fault. */
  counterFor(ruleId: string): RuleCounters {
    let c: RuleCounters;
    if (this.byRule.has(ruleId)) c = this.byRule.get(ruleId);
    else {
      c = new RuleCounters();
      this.byRule.set(ruleId, c);
    }
    c.generation = this.generation;
    return c;
  }

  /** A new rule set replaced the old: counters only its rules attach from now on are kept after the next report. */
  newRuleSet(): void {
    this.generation++;
  }

  /**
   * The `counters` member of the next poll: the unacknowledged report again, or a new one of everything counted
   * since (at most MAX_COUNTED_RULES rules; the rest wait for the following report); "" when there is nothing.
   */
  report(): string {
    if (this.unacknowledged.length > 0) return this.unacknowledged;
    const ids = this.byRule.keys();
    let rules = '';
    let n = 0;
    let aborts: i64 = 0;
    let delays: i64 = 0;
    let wouldInject: i64 = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const c = this.byRule.get(id);
      const counted = c.aborts != 0 || c.delays != 0 || c.wouldInject != 0;
      if (counted) {
        if (n >= MAX_COUNTED_RULES) continue;
        if (n > 0) rules += ',';
        rules +=
          jsonQuote(id) + ':{"aborts":' + c.aborts.toString() + ',"delays":' + c.delays.toString() + wouldInjectMember(c.wouldInject) + '}';
        aborts += c.aborts;
        delays += c.delays;
        wouldInject += c.wouldInject;
        c.aborts = 0;
        c.delays = 0;
        c.wouldInject = 0;
        n++;
      }
      if (c.generation != this.generation) {
        this.byRule.delete(id);
        c.removed = true;
      }
    }
    if (n == 0) return '';
    this.seq++;
    this.unacknowledged =
      '{"seq":' +
      this.seq.toString() +
      ',"aborts":' +
      aborts.toString() +
      ',"delays":' +
      delays.toString() +
      wouldInjectMember(wouldInject) +
      ',"rules":{' +
      rules +
      '}}';
    return this.unacknowledged;
  }

  /** The control plane answered the poll that carried the report: it has it. */
  acknowledged(): void {
    this.unacknowledged = '';
  }
}

/** `,"wouldInject":N`, only for a dry run's counts: reports of real faults keep their shape. */
function wouldInjectMember(n: i64): string {
  return n == 0 ? '' : ',"wouldInject":' + n.toString();
}
