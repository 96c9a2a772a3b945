// Runs in a thread of the worker pool: the CPU-heavy steps of taking in a policy, kept off the event loop.
import { buildRegex, parsePolicyDocuments, type RegexResult } from '@hfi/policy';

/** One pattern's DFA, within the per-pattern caps of LIMITS. */
export default function build(source: string): RegexResult {
  return buildRegex(source);
}

/** Many patterns in one task (stored policies at a cold start: one message per pattern would cost more than most builds). */
export function buildMany(sources: readonly string[]): RegexResult[] {
  return sources.map(buildRegex);
}

/** A YAML body's documents (a 256 KiB policy takes ~150 ms to parse as YAML). */
export function parseYaml(text: string): ReturnType<typeof parsePolicyDocuments> {
  return parsePolicyDocuments(text);
}

/** Answers once this thread has loaded: a request's budget starts after it (workers/pool.ts ready()). */
export function ping(): true {
  return true;
}
