// How the observed outcomes of a finding read in a table cell or a report line.
import type { Finding } from './findings.js';

export function describeOutcomes(finding: Pick<Finding, 'outcomes' | 'terms'>): string {
  const parts = [`${finding.outcomes.requests} req`];
  if (finding.terms.errorRate) parts.push(`errors ${(finding.terms.errorRate.value * 100).toFixed(1)}%`);
  parts.push(`p99 ${finding.outcomes.latencyMs.p99}ms`);
  return parts.join(', ');
}
