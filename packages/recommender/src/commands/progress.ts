// One line per finished trial, as the session goes.
import type { RecommenderIo } from '../context.js';
import { describeStop } from '../reports/terms.js';
import type { Session, TrialRecord } from '../sessions/session.js';

export function trialPrinter(io: RecommenderIo): (record: TrialRecord, session: Session) => void {
  return (record, session) => {
    const best = Math.max(...session.trials.map((t) => t.score.severity));
    const width = String(session.budget).length;
    io.writeOut(
      `trial ${String(record.trial).padStart(width)}/${session.budget}  severity ${record.score.severity.toFixed(2).padStart(5)}  best ${best.toFixed(2).padStart(5)}  ${record.summary}${record.stoppedBy ? `  (${describeStop(record.stoppedBy)})` : ''}\n`,
    );
  };
}
