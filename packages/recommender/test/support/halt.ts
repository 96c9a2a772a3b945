// A stop condition's halt as the control plane's status answers it (status.haltReason): frontend's error rate over 30%.
import type { HaltReason } from '@hfi/api';

export const HALT_REASON: HaltReason = {
  source: 'stopWhen',
  conditionIndex: 0,
  condition: { selector: { service: 'frontend', namespace: 'demo' }, errorRateAbove: 30, windowMs: 6000, minRequests: 20 },
  observed: { requests: 61, errors: 40, errorRatePercent: 65.57, p99Ms: 724.1, dataPlanes: 2 },
  at: '2026-12-01T12:00:04.500Z',
};
