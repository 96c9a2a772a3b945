// The outcomes a data plane reports on POST /v1/dataplane/report (docs/outcomes.md): the deltas it has not
// seen acknowledged, numbered by `seq`, in the shape of @hfi/api's OutcomeReport. Read apart from the body's
// schema: what cannot be used is dropped and said why, and the call is answered all the same.
import { compileChecker, OutcomeReport } from '@hfi/api';

export type ReadOutcomes =
  | { report: OutcomeReport; dropped?: undefined }
  | { report?: undefined; dropped: { reason: 'malformed'; message: string } };

const outcomeReport = compileChecker(OutcomeReport);

export function readOutcomeReport(value: unknown): ReadOutcomes {
  if (outcomeReport.check(value)) return { report: value };
  const problem = outcomeReport.errors(value)[0];
  return {
    dropped: { reason: 'malformed', message: `outcomes${problem?.path ?? ''}: ${problem?.message ?? 'expected an OutcomeReport'}` },
  };
}
