// How the observed outcomes of a finding, and a stop condition that cut its trial short, read in a table cell or a
// report line.
import type { HaltReason } from '@hfi/api';
import type { Finding } from './findings.js';

export function describeOutcomes(finding: Pick<Finding, 'outcomes' | 'terms' | 'stoppedBy'>): string {
  const parts = [`${finding.outcomes.requests} req`];
  if (finding.terms.errorRate) parts.push(`errors ${(finding.terms.errorRate.value * 100).toFixed(1)}%`);
  parts.push(`p99 ${finding.outcomes.latencyMs.p99}ms`);
  const observed = parts.join(', ');
  // The cell only marks it; the line under the table (or in the summary) says what held.
  return finding.stoppedBy ? `${observed}; cut short by ${stopSource(finding.stoppedBy)}` : observed;
}

/** "stopped by stopWhen[0]: demo/frontend error rate 45.2% > 30% (120 req)": which condition held, on what it saw. */
export function describeStop(stop: HaltReason): string {
  const { condition, observed } = stop;
  const held: string[] = [];
  if (condition.errorRateAbove !== undefined && observed.errorRatePercent > condition.errorRateAbove) {
    held.push(`error rate ${round(observed.errorRatePercent)}% > ${condition.errorRateAbove}%`);
  }
  if (condition.p99LatencyAboveMs !== undefined && observed.p99Ms > condition.p99LatencyAboveMs) {
    held.push(`p99 ${round(observed.p99Ms)}ms > ${condition.p99LatencyAboveMs}ms`);
  }
  const { namespace, service } = condition.selector;
  return `stopped by ${stopSource(stop)}: ${namespace}/${service} ${held.join(' and ') || 'held'} (${observed.requests} req)`;
}

function stopSource(stop: HaltReason): string {
  return stop.source === 'stopWhen' ? `stopWhen[${stop.conditionIndex}]` : `the server's default guard [${stop.conditionIndex}]`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
