import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStopCondition, stopConditionHolds, validateStopWhen } from '../src/index.js';

const condition = {
  selector: { service: 'frontend', namespace: 'shop' },
  errorRateAbove: 5,
  p99LatencyAboveMs: 800,
  windowMs: 30_000,
  minRequests: 50,
};

test('a condition holds above a threshold (not at it), and only once the window saw minRequests', () => {
  const figures = { requests: 50, errorRatePercent: 5, p99Ms: 800 };
  assert.equal(stopConditionHolds(condition, figures), false, 'at both thresholds: not above');
  assert.equal(stopConditionHolds(condition, { ...figures, errorRatePercent: 5.01 }), true, 'error rate above');
  assert.equal(stopConditionHolds(condition, { ...figures, p99Ms: 801 }), true, 'p99 above');
  assert.equal(stopConditionHolds(condition, { ...figures, requests: 49, errorRatePercent: 100 }), false, 'too few requests');
  const latencyOnly = { ...condition, errorRateAbove: undefined };
  delete latencyOnly.errorRateAbove;
  assert.equal(
    stopConditionHolds(latencyOnly, { ...figures, errorRatePercent: 100 }),
    false,
    'no error-rate threshold: errors alone do not trip it',
  );
});

test('the default guard is validated like spec.stopWhen, its errors named under the path it was given', () => {
  const ok = validateStopWhen([{ selector: { service: 'frontend' }, errorRateAbove: 50 }]);
  assert.deepEqual(ok, {
    ok: true,
    conditions: [{ selector: { service: 'frontend', namespace: '*' }, errorRateAbove: 50, windowMs: 30_000, minRequests: 20 }],
  });
  const bad = validateStopWhen([{ selector: '*', errorRateAbove: 'lots' }], 'HFI_DEFAULT_STOP_WHEN');
  assert.deepEqual(bad, {
    ok: false,
    errors: [{ path: 'HFI_DEFAULT_STOP_WHEN[0].errorRateAbove', message: 'expected a percentage from 0 to 100, found string "lots"' }],
  });
});

test('a condition in words', () => {
  assert.equal(
    describeStopCondition(condition),
    'service "frontend" in namespace "shop": error rate above 5% or p99 latency above 800ms over 30s (at least 50 requests)',
  );
});
