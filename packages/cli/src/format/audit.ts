// Audit entries as a table: AGE KIND ACTOR TARGET CHANGE, newest first, the change said in a few words.
import type { AuditEntry, StoredHalt, StoredPolicy, StoredTrip } from '@hfi/client';
import { describeStopCondition } from '@hfi/policy';
import { formatSelector } from './halts.js';
import { renderTable } from './table.js';
import { formatAge } from './time.js';

export function renderAuditTable(entries: readonly AuditEntry[], nowMs: number): string {
  return renderTable(
    ['AGE', 'KIND', 'ACTOR', 'TARGET', 'CHANGE'],
    entries.map((e) => [formatAge(e.at, nowMs), e.kind, e.actor, target(e), change(e)]),
  );
}

function target(entry: AuditEntry): string {
  return entry.policy ?? formatSelector(entry.selector);
}

/** What changed, in a few words: versions for policies (and which parts), reasons for halts. */
function change(entry: AuditEntry): string {
  const before = entry.before;
  const after = entry.after;
  switch (entry.kind) {
    case 'create':
      return isPolicy(after) ? `version ${after.metadata.version}` : '';
    case 'update': {
      if (!isPolicy(before) || !isPolicy(after)) return '';
      const parts = changedParts(before, after);
      return `version ${before.metadata.version} -> ${after.metadata.version}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
    }
    case 'delete':
      return isPolicy(before) ? `was version ${before.metadata.version}` : 'a store key that held no valid policy';
    case 'expire':
      return isPolicy(after) ? `version ${after.metadata.version} ended` : '';
    case 'halt': {
      const reason = isHalt(after) ? quoted(after.reason) : '';
      return isHalt(before) ? `reason ${quoted(before.reason)} -> ${reason}` : `reason ${reason}`;
    }
    case 'resume':
      if (isTrip(before)) return `resumed version ${before.policyVersion} after its stop condition`;
      return isHalt(before) ? `lifted (reason was ${quoted(before.reason)})` : 'lifted';
    case 'trip':
      return isTrip(after) ? `version ${after.policyVersion} stopped: ${describeTrip(after)}` : '';
  }
}

/** The condition that held and what was seen, in a few words. */
function describeTrip(trip: StoredTrip): string {
  const { condition, observed } = trip.reason;
  return `${describeStopCondition(condition)}; saw ${observed.errorRatePercent}% errors, p99 ${observed.p99Ms}ms over ${observed.requests} requests`;
}

/** The parts of a policy a user writes that differ. */
function changedParts(before: StoredPolicy, after: StoredPolicy): string[] {
  const parts: [string, unknown, unknown][] = [
    ['labels', before.metadata.labels, after.metadata.labels],
    ['selector', before.spec.selector, after.spec.selector],
    ['priority', before.spec.priority, after.spec.priority],
    ['rules', before.spec.rules, after.spec.rules],
  ];
  return parts.filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b)).map(([name]) => name);
}

function quoted(reason: string): string {
  return reason === '' ? '(none)' : JSON.stringify(reason);
}

type Stored = StoredPolicy | StoredHalt | StoredTrip | null;

function isPolicy(value: Stored): value is StoredPolicy {
  return value !== null && 'metadata' in value;
}

function isHalt(value: Stored): value is StoredHalt {
  return value !== null && 'selector' in value && !('metadata' in value);
}

function isTrip(value: Stored): value is StoredTrip {
  return value !== null && 'policyVersion' in value;
}
