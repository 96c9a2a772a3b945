// The fault kinds, by name, in the order their fields appear in the canonical fault and the compiled rule.
// Validation, compilation, the reference decision and `hfi-cli policy describe` walk this list; a new kind
// is a module in this folder and a line here (docs/policy.md has a section per kind).
import type { CompiledRule, Fault } from '../types.js';
import { abortKind } from './abort.js';
import { delayKind } from './delay.js';
import type { DecisionStep, FaultKind } from './kind.js';
import { describeLimits } from './limit.js';
import { describePhase, phaseKind } from './phase.js';
import { resetKind } from './reset.js';

export const FAULT_KINDS: readonly FaultKind[] = [delayKind, abortKind, resetKind, phaseKind];

/** Every key under `fault` some kind reads. */
export const FAULT_KIND_KEYS: readonly string[] = FAULT_KINDS.flatMap((kind) => kind.inputKeys);

/** Fields every compiled rule carries whatever its fault: the delay and abort kinds always compile theirs. */
type AlwaysCompiled = Pick<CompiledRule, 'delayMs' | 'abort'>;

/** The kinds' fields of a compiled rule, in registry order. */
export function compileFaultKinds(fault: Fault): AlwaysCompiled & Partial<CompiledRule> {
  let fields: Partial<CompiledRule> = {};
  for (const kind of FAULT_KINDS) fields = { ...fields, ...kind.compile(fault) };
  return fields as AlwaysCompiled & Partial<CompiledRule>;
}

/** What a fault does, in words: its kinds' descriptions joined in the order they act. */
export function describeFault(fault: Fault): string {
  const parts = FAULT_KINDS.map((kind) => kind.describe(fault)).filter((text): text is string => text !== undefined);
  const what = parts.length === 0 ? 'nothing (no delay or abort)' : parts.join(', then ');
  const limits = describeLimits(fault);
  const phased = `${describePhase(fault) ?? ''}${what}`;
  return limits === undefined ? phased : `${phased}; ${limits}`;
}

/** The kinds' decision steps for a compiled rule, in registry order (none for a plain delay/abort rule). */
export function decisionSteps(rule: CompiledRule): DecisionStep[] {
  const steps: DecisionStep[] = [];
  for (const kind of FAULT_KINDS) {
    const step = kind.decision?.(rule);
    if (step) steps.push(step);
  }
  return steps;
}
