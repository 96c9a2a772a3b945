// The terminal table of the worst findings.
import Table from 'cli-table3';
import type { Session } from '../sessions/session.js';
import { rankFindings, stoppedTrials } from './findings.js';
import { describeOutcomes, describeStop } from './terms.js';

export function tableReport(session: Session, top: number): string {
  const findings = rankFindings(session).slice(0, top);
  // Every cut-short trial is listed, a finding or not, with or beyond --top: a guard that held is worth knowing.
  const stopped = stoppedTrials(session).map((t) => `Trial ${t.trial} cut short: ${describeStop(t.stoppedBy)}\n`);
  if (findings.length === 0)
    return `No finding: none of the ${session.trials.length} trials hurt the scored workload.\n${stopped.join('')}`;
  const table = new Table({ head: ['#', 'severity', 'trial', 'fault', 'observed'], style: { head: [], border: [] } });
  for (const f of findings) table.push([String(f.rank), f.severity.toFixed(2), String(f.trial), f.summary, describeOutcomes(f)]);
  return `${table.toString()}\n${stopped.join('')}`;
}
