// The Markdown report: a summary, the ranked findings, and the policy that reproduces each of the worst.
import { stringify } from 'yaml';
import type { Session, TrialRecord } from '../sessions/session.js';
import { rankFindings, stoppedTrials } from './findings.js';
import { describeOutcomes, describeStop } from './terms.js';

const POLICIES_SHOWN = 5;

export function markdownReport(session: Session): string {
  const findings = rankFindings(session);
  const lines = [
    `# Recommender report: session ${session.id}`,
    '',
    `- executor: ${session.executor === 'simulated' ? 'simulated mesh (a dry demonstration: no control plane, no traffic)' : `live (${session.server ?? ''})`}`,
    `- optimizer: ${session.optimizer}, seed ${session.seed}, ${session.trials.length} of ${session.budget} trials`,
    `- state: ${session.state}${session.stopReason ? ` (${session.stopReason})` : ''}`,
    ...stoppedTrials(session).map(
      (t) => `- trial ${t.trial} cut short, scored over a ${windowSeconds(t)}s window: ${describeStop(t.stoppedBy)}`,
    ),
    '',
    '## Findings',
    '',
  ];
  if (findings.length === 0) {
    lines.push(`None of the ${session.trials.length} trials hurt the scored workload.`, '');
    return lines.join('\n');
  }
  lines.push('| # | severity | trial | fault | observed |', '| - | - | - | - | - |');
  for (const f of findings) lines.push(`| ${f.rank} | ${f.severity.toFixed(2)} | ${f.trial} | ${f.summary} | ${describeOutcomes(f)} |`);
  lines.push('', `## Reproducing the ${Math.min(POLICIES_SHOWN, findings.length)} worst`, '');
  for (const f of findings.slice(0, POLICIES_SHOWN)) {
    // As the trial applied it: `hfi-cli policy apply -f` reproduces the finding for one trial length.
    lines.push(`### ${f.rank}. ${f.summary} (severity ${f.severity.toFixed(2)})`, '', '```yaml', stringify(f.policy).trimEnd(), '```', '');
  }
  return lines.join('\n');
}

function windowSeconds(trial: TrialRecord): number {
  return Math.round((Date.parse(trial.outcomes.window.to) - Date.parse(trial.outcomes.window.from)) / 1000);
}
