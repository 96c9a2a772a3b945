// The Policies view's rows: each policy joined with its freshest status (the status poll is newer than the
// list fetched at the last publication), then filtered and sorted as the user asked.
import type { PolicyPhase, PolicyStatusItem, PolicyWithStatus } from '@hfi/client';
import { msLeft } from './time.js';

export interface PolicyRow {
  name: string;
  /** "service.namespace", with "*" for any. */
  selector: string;
  phase: PolicyPhase;
  /** Aborts plus delays injected so far. */
  faults: number;
  applied: number;
  targeted: number;
  expiresAt: string | null;
  rules: number;
}

export type SortKey = 'name' | 'selector' | 'phase' | 'faults' | 'dataPlanes' | 'timeLeft';
type SortDirection = 'ascending' | 'descending';

export interface RowQuery {
  /** Matched, case-insensitively, against the name and the selector. */
  text: string;
  /** '' for every phase. */
  phase: PolicyPhase | '';
  sort: SortKey;
  direction: SortDirection;
}

export function toRows(policies: readonly PolicyWithStatus[], statuses: ReadonlyMap<string, PolicyStatusItem>): PolicyRow[] {
  return policies.map((p) => {
    const fresh = statuses.get(p.metadata.name);
    const status = fresh ?? p.status;
    return {
      name: p.metadata.name,
      selector: `${p.spec.selector.service}.${p.spec.selector.namespace}`,
      phase: status.phase,
      faults: status.faults.aborts + status.faults.delays,
      applied: status.appliedDataPlanes,
      targeted: status.targetedDataPlanes,
      expiresAt: p.status.expiresAt,
      rules: p.spec.rules.length,
    };
  });
}

/** Pending first: a policy that does not take effect is what needs a look. */
const PHASE_ORDER: Record<PolicyPhase, number> = { Pending: 0, Active: 1, Scheduled: 2, Halted: 3, Expired: 4 };

/** Every phase, in that order (the Record above makes the compiler name a phase left out). */
export const PHASES = (Object.keys(PHASE_ORDER) as PolicyPhase[]).sort((a, b) => PHASE_ORDER[a] - PHASE_ORDER[b]);

function compare(a: PolicyRow, b: PolicyRow, key: SortKey, nowMs: number): number {
  switch (key) {
    case 'name':
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    case 'selector':
      return a.selector.localeCompare(b.selector);
    case 'phase':
      return PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase];
    case 'faults':
      return a.faults - b.faults;
    case 'dataPlanes':
      return a.applied - b.applied || a.targeted - b.targeted;
    case 'timeLeft': {
      const left = msLeft(a.expiresAt, nowMs) - msLeft(b.expiresAt, nowMs);
      return Number.isNaN(left) ? 0 : left;
    }
  }
}

export function queryRows(rows: readonly PolicyRow[], query: RowQuery, nowMs: number): PolicyRow[] {
  const text = query.text.trim().toLowerCase();
  const kept = rows.filter(
    (r) =>
      (query.phase === '' || r.phase === query.phase) && (text === '' || r.name.includes(text) || r.selector.toLowerCase().includes(text)),
  );
  const sign = query.direction === 'ascending' ? 1 : -1;
  // Ties keep name order, so that rows do not jump between polls.
  return kept.sort((a, b) => sign * compare(a, b, query.sort, nowMs) || compare(a, b, 'name', nowMs));
}
