// Builds each new rule set from the previous one: compiled rules are cached per policy name+version, and
// after single changes only the changed policies are recompiled and merged into the previous order.
import type { CompiledRule, CompiledRuleSet, CompileOptions, RuleSetHeader, StoredPolicy } from '@hfi/policy';
import { assembleRuleSet, compilePolicyRules } from '@hfi/policy';

export class IncrementalAssembly {
  private readonly compiled = new Map<string, { version: string; step: number | undefined; rules: CompiledRule[] }>();
  /** Where scheduled policies' windows start (scheduleStep of the clock); their rules are recompiled when it moves. */
  private step = 0;
  /** Policies changed since the last assembly; the next one reuses the rest of the ordered rules. */
  private readonly changedSinceLast = new Set<string>();
  /** After a reset (or before the first assembly) every policy is reassembled. */
  private reassembleAll = true;

  /** `onCompileError`: a policy that cannot be compiled is left out of the rule set and reported here. */
  constructor(private readonly onCompileError?: (policy: string, error: unknown) => void) {}

  policyChanged(name: string): void {
    this.changedSinceLast.add(name);
  }

  /** Everything may have changed; compiled rules stay valid only within the same epoch (versions restart). */
  reset(epochChanged: boolean): void {
    if (epochChanged) this.compiled.clear();
    this.reassembleAll = true;
  }

  /**
   * Moves the schedule horizon to `step`; returns whether a compiled policy has a schedule (it is then
   * recompiled at the next assembly, and the rule set must be republished).
   */
  moveScheduleStep(step: number): boolean {
    if (step === this.step) return false;
    this.step = step;
    let moved = false;
    for (const [name, entry] of this.compiled) {
      if (entry.step === undefined) continue;
      this.changedSinceLast.add(name);
      moved = true;
    }
    return moved;
  }

  assemble(policies: ReadonlyMap<string, StoredPolicy>, previous: CompiledRuleSet | undefined, header: RuleSetHeader): CompiledRuleSet {
    return assembleRuleSet(this.ruleParts(policies, previous, header.epoch), header);
  }

  /**
   * The rules to assemble. After single changes, the previous set's rules (already in evaluation order)
   * minus the changed policies', followed by the changed policies' new rules: the sort in
   * assembleRuleSet then merges one long sorted run with a short one instead of sorting everything,
   * and unchanged policies are not visited at all.
   */
  private ruleParts(
    policies: ReadonlyMap<string, StoredPolicy>,
    previous: CompiledRuleSet | undefined,
    epoch: string,
  ): (readonly CompiledRule[])[] {
    const changed = this.changedSinceLast;
    const parts: (readonly CompiledRule[])[] = [];
    if (this.reassembleAll || !previous || previous.epoch !== epoch) {
      for (const [name, policy] of policies) parts.push(this.rulesOf(name, policy));
      for (const name of this.compiled.keys()) if (!policies.has(name)) this.compiled.delete(name);
    } else {
      parts.push(changed.size === 0 ? previous.rules : previous.rules.filter((rule) => !changed.has(rule.policy)));
      for (const name of changed) {
        const policy = policies.get(name);
        if (policy) parts.push(this.rulesOf(name, policy));
        else this.compiled.delete(name);
      }
    }
    this.reassembleAll = false;
    changed.clear();
    return parts;
  }

  /** Whether `name` is compiled at `version` (its DFAs are not needed again). */
  holds(name: string, version: string | undefined): boolean {
    const entry = this.compiled.get(name);
    return entry !== undefined && entry.version === version && (entry.step === undefined || entry.step === this.step);
  }

  /** Compiles a policy now (with the DFAs at hand), so that the next assembly finds its rules. */
  compile(policy: StoredPolicy, options: CompileOptions): void {
    this.rulesOf(policy.metadata.name, policy, options);
  }

  private rulesOf(name: string, policy: StoredPolicy, options: CompileOptions = {}): CompiledRule[] {
    const step = policy.spec.schedule ? this.step : undefined;
    const cached = this.compiled.get(name);
    if (cached && cached.version === policy.metadata.version && cached.step === step) return cached.rules;
    let rules: CompiledRule[] = [];
    try {
      rules = compilePolicyRules(policy, { ...options, scheduleFromMs: this.step });
    } catch (error) {
      this.onCompileError?.(name, error);
    }
    this.compiled.set(name, { version: policy.metadata.version, step, rules });
    return rules;
  }
}
