// The table of `hfi-cli top`: one row per workload.
import type { Workload } from '@hfi/client';
import { renderTable } from './table.js';

const COLUMNS = ['WORKLOAD', 'DATA PLANES', 'RPS', 'ERRORS %', 'P50', 'P99', 'FAULTED %'];

export function renderWorkloadTable(items: readonly Workload[]): string {
  return renderTable(
    COLUMNS,
    items.map((w) => [
      `${w.namespace || '<unknown>'}/${w.service || '<unknown>'}`,
      String(w.dataPlanes),
      fixed(w.requestsPerSecond),
      fixed(w.errorRatePercent),
      latency(w.p50Ms),
      latency(w.p99Ms),
      fixed(w.faultedPercent),
    ]),
  );
}

function fixed(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/** Bucket upper bounds: ms below 10 s, else s. */
function latency(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 10_000) return `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}
