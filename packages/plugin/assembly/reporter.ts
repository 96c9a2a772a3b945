// The report call's state (docs/outcomes.md "Report call"): POST /v1/dataplane/report at most every
// OUTCOME_REPORT_INTERVAL_MS while there is something to report, beside the held long poll. The root
// context does the host calls.

import { OUTCOME_REPORT_INTERVAL_MS } from './generated/contract';

export class Reporter {
  inFlight: bool = false;
  token: u32 = 0;
  /** When the next report may go; -1 while none is due (nothing to report, or one in flight). */
  dueAtMs: i64 = -1;
  private lastSentAtMs: i64 = -OUTCOME_REPORT_INTERVAL_MS;

  /** Something to report: due one interval after the last report went, or now. */
  schedule(nowMs: i64): bool {
    if (this.inFlight || this.dueAtMs >= 0) return false;
    const earliest = this.lastSentAtMs + OUTCOME_REPORT_INTERVAL_MS;
    this.dueAtMs = earliest > nowMs ? earliest : nowMs;
    return true;
  }

  sent(token: u32, nowMs: i64): void {
    this.inFlight = true;
    this.token = token;
    this.lastSentAtMs = nowMs;
    this.dueAtMs = -1;
  }

  /** The call could not start: tried again one interval later. */
  refused(nowMs: i64): void {
    this.lastSentAtMs = nowMs;
    this.dueAtMs = nowMs + OUTCOME_REPORT_INTERVAL_MS;
  }

  answered(): void {
    this.inFlight = false;
  }
}

/** Whether an answer means the server has the report: any 2xx or 4xx (a report it refused is not resent). */
export function reportTaken(status: i32): bool {
  return (status >= 200 && status < 300) || (status >= 400 && status < 500);
}
