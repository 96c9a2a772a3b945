import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEntry, StoredTrip } from '@hfi/client';
import { renderAuditTable } from './audit.js';

const trip: StoredTrip = {
  policy: 'cart-abort',
  policyVersion: '7',
  version: '9',
  reason: {
    source: 'stopWhen',
    conditionIndex: 0,
    condition: { selector: { service: 'frontend', namespace: 'shop' }, errorRateAbove: 5, windowMs: 30_000, minRequests: 50 },
    observed: { requests: 120, errors: 12, errorRatePercent: 10, p99Ms: 35, dataPlanes: 2 },
    at: '2025-01-01T00:59:00Z',
  },
};

test('a stop condition tripping and the resume of its policy, in the history table', () => {
  const entries: AuditEntry[] = [
    { id: '2', at: '2025-01-01T00:59:30Z', actor: 'alice', kind: 'resume', policy: 'cart-abort', version: '10', before: trip, after: null },
    { id: '1', at: '2025-01-01T00:59:00Z', actor: 'system', kind: 'trip', policy: 'cart-abort', version: '9', before: null, after: trip },
  ];
  const lines = renderAuditTable(entries, Date.parse('2025-01-01T01:00:00Z')).trimEnd().split('\n');
  assert.match(lines[1]!, /^30s\s+resume\s+alice\s+cart-abort\s+resumed version 7 after its stop condition$/);
  assert.match(
    lines[2]!,
    /^60s\s+trip\s+system\s+cart-abort\s+version 7 stopped: service "frontend" in namespace "shop": error rate above 5% over 30s \(at least 50 requests\); saw 10% errors, p99 35ms over 120 requests$/,
  );
});
