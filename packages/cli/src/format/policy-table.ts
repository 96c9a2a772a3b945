// The `policy list` / `policy get` table: one row per policy, kubectl style.

import type { PolicyWithStatus } from '@hfi/client';
import type { Palette } from './color.js';
import { formatSelector } from './halts.js';
import { renderTable } from './table.js';
import { formatAge, relative } from './time.js';

const POLICY_COLUMNS = ['NAME', 'SELECTOR', 'RULES', 'STATUS', 'FAULTS', 'DATAPLANES', 'AGE'] as const;
const POLICY_WIDE_COLUMNS = [
  'NAME',
  'SELECTOR',
  'RULES',
  'STATUS',
  'FAULTS',
  'DATAPLANES',
  'PRIORITY',
  'VERSION',
  'EXPIRES',
  'AGE',
] as const;

export function formatPhase(policy: PolicyWithStatus, palette: Palette): string {
  const phase = policy.status?.phase;
  if (phase === 'Active') return palette.green(phase);
  if (phase === 'Pending' || phase === 'Scheduled') return palette.yellow(phase);
  if (phase === 'Expired') return palette.dim(phase);
  if (phase === 'Halted') return palette.red(phase);
  return phase ?? '<unknown>';
}

function formatExpires(policy: PolicyWithStatus, nowMs: number): string {
  const status = policy.status;
  if (status === undefined) return '<unknown>';
  if (status.expiresAt === null || status.expiresAt === undefined) return 'never';
  return relative(status.expiresAt, nowMs);
}

/** Faults injected; for a dry run, what it would have injected. */
function formatFaults(policy: PolicyWithStatus): string {
  const s = policy.status!;
  return policy.spec.dryRun ? `${s.wouldInject} (dry run)` : String(s.faults.aborts + s.faults.delays);
}

export function renderPolicyTable(
  policies: readonly PolicyWithStatus[],
  options: { wide: boolean; nowMs: number; palette: Palette },
): string {
  const rows = policies.map((p) => {
    const s = p.status;
    const faults = s ? formatFaults(p) : '-';
    const planes = s ? `${s.appliedDataPlanes}/${s.targetedDataPlanes}` : '-';
    const base = [
      p.metadata.name,
      formatSelector(p.spec.selector),
      String(p.spec.rules.length),
      formatPhase(p, options.palette),
      faults,
      planes,
    ];
    const age = formatAge(p.metadata.createdAt, options.nowMs);
    return options.wide
      ? [...base, String(p.spec.priority ?? 0), p.metadata.version ?? '-', formatExpires(p, options.nowMs), age]
      : [...base, age];
  });
  return renderTable(options.wide ? POLICY_WIDE_COLUMNS : POLICY_COLUMNS, rows);
}
