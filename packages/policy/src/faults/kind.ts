// What every fault kind declares in its own module (faults/<kind>.ts), so that adding a kind touches that
// module and the registry only. A kind describes *what* a fault does; whether a request is faulted (match,
// time window, the percentage draw) belongs to the decision engine (decide.ts), as in Toxiproxy's toxics.
import type { ErrorSink } from '../errors.js';
import type { CompiledRule, DrawSource, Fault, FaultDecision } from '../types.js';

export interface FaultKind {
  /** The kind's canonical field under `fault`. */
  readonly name: string;
  /** Every key under `fault` the kind reads: its canonical field and any accepted spellings. */
  readonly inputKeys: readonly string[];
  /** Whether the input asks for this kind at all. */
  isGiven(input: Record<string, unknown>): boolean;
  /**
   * Validates the kind's input and returns its canonical fields, to be merged into the canonical fault
   * ({} when not given); undefined when refused, every problem reported to the sink by field path.
   */
  read(sink: ErrorSink, faultPath: string, input: Record<string, unknown>): Partial<Fault> | undefined;
  /** The kind's fields of the compiled rule (docs/wire-format.md), from the canonical fault. */
  compile(fault: Fault): Partial<CompiledRule>;
  /** What the kind does, in words (`hfi-cli policy describe`); undefined when the fault does not use it. */
  describe(fault: Fault): string | undefined;
  /**
   * The kind's step of the reference decision for a compiled rule, run for each faulted request after the
   * percentage draw (in registry order, so the draws come in a fixed order); undefined when it has none.
   */
  decision?(rule: CompiledRule): DecisionStep | undefined;
}

/** Fills a kind's part of one request's decision, drawing what it needs. */
export type DecisionStep = (random: DrawSource, decision: FaultDecision) => FaultDecision;
