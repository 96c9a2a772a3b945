// Runs in a thread of the regex pool: builds one pattern's DFA, within the per-pattern caps of LIMITS.
import { buildRegex, type RegexResult } from '@hfi/policy';

export default function build(source: string): RegexResult {
  return buildRegex(source);
}
