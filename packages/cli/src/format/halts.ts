// Halts in words and as a table: "every service in every namespace", SELECTOR REASON ACTOR AGE.
import type { StoredHalt } from '@hfi/client';
import type { Selector } from '@hfi/policy';
import { renderTable } from './table.js';
import { formatAge } from './time.js';

/** `frontend.demo`, `frontend.*`, `*.demo`, or `*` for every service everywhere. */
export function formatSelector(selector: Selector | undefined): string {
  const service = selector?.service ?? '*';
  const namespace = selector?.namespace ?? '*';
  if (service === '*' && namespace === '*') return '*';
  return `${service}.${namespace}`;
}

/** `service "frontend" in every namespace`. */
export function describeScope(selector: Selector | undefined): string {
  const { service, namespace } = selector ?? { service: '*', namespace: '*' };
  const who = service === '*' ? 'every service' : `service "${service}"`;
  const where = namespace === '*' ? 'in every namespace' : `in namespace "${namespace}"`;
  return `${who} ${where}`;
}

/** One halt in a sentence: scope, reason, who and when. */
export function describeHalt(halt: StoredHalt, nowMs: number): string {
  const reason = halt.reason === '' ? 'no reason given' : JSON.stringify(halt.reason);
  const by = halt.actor ? ` by ${halt.actor}` : '';
  return `${describeScope(halt.selector)} (${reason}${by}, ${formatAge(halt.createdAt, nowMs)} ago)`;
}

export function renderHaltTable(halts: readonly StoredHalt[], nowMs: number): string {
  return renderTable(
    ['SELECTOR', 'REASON', 'ACTOR', 'AGE'],
    halts.map((h) => [formatSelector(h.selector), h.reason || '-', h.actor ?? '-', formatAge(h.createdAt, nowMs)]),
  );
}
