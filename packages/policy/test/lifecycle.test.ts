import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FaultInjectionPolicy } from '../src/index.js';
import { policyPhase, policyTimeWindow, samePolicyContent, validatePolicy } from '../src/index.js';
import { policy, stored, T0 } from './helpers.js';

test('the window counts from updatedAt; the longest rule decides; one unlimited rule means never', () => {
  const limited = stored(policy('l', [{ fault: { delay_ms: 1, duration_seconds: 30 } }, { fault: { delay_ms: 1, duration_seconds: 60 } }]));
  assert.deepEqual(policyTimeWindow(limited), { activeFromMs: T0, expiresAtMs: T0 + 60_000 });
  const mixed = stored(policy('m', [{ fault: { delay_ms: 1, duration_seconds: 30 } }, { fault: { delay_ms: 1 } }]));
  assert.deepEqual(policyTimeWindow(mixed), { activeFromMs: T0, expiresAtMs: 0 });
});

test('phase is Pending before updatedAt, Active inside the window, Expired after every rule ended', () => {
  const limited = stored(policy('l', [{ fault: { delay_ms: 1, duration_seconds: 60 } }]));
  assert.equal(policyPhase(limited, T0 - 1), 'Pending');
  assert.equal(policyPhase(limited, T0), 'Active');
  assert.equal(policyPhase(limited, T0 + 59_999), 'Active');
  assert.equal(policyPhase(limited, T0 + 60_000), 'Expired');
  const unlimited = stored(policy('u', [{ fault: { delay_ms: 1 } }]));
  assert.equal(policyPhase(unlimited, T0 + 1e12), 'Active');
});

test('an update restarts the window', () => {
  const first = stored(policy('l', [{ fault: { delay_ms: 1, duration_seconds: 60 } }]), { updatedAtMs: T0 });
  const updated = stored(policy('l', [{ fault: { delay_ms: 2, duration_seconds: 60 } }]), { updatedAtMs: T0 + 120_000 });
  assert.equal(policyPhase(first, T0 + 130_000), 'Expired');
  assert.equal(policyPhase(updated, T0 + 130_000), 'Active');
});

test('samePolicyContent ignores server fields and spelling, not content', () => {
  const canonical = (input: unknown): FaultInjectionPolicy => {
    const result = validatePolicy(input);
    assert.ok(result.ok);
    return result.policy;
  };
  const a = canonical({
    metadata: { name: 'p', labels: { b: '2', a: '1' } },
    spec: { rules: [{ match: { method: { exact: 'get' } }, fault: { delay: { fixedDelay: '1s' }, percentage: 20 } }] },
  });
  const b = stored(
    {
      apiVersion: 'v1',
      metadata: { name: 'p', labels: { a: '1', b: '2' } },
      spec: { selector: { service: '*' }, rules: [{ match: { method: { exact: 'GET' } }, fault: { delay_ms: 1000, percentage: 20 } }] },
    },
    { version: '99' },
  );
  assert.ok(samePolicyContent(a, b));
  assert.ok(
    !samePolicyContent(
      a,
      canonical({
        metadata: { name: 'p', labels: { a: '1', b: '2' } },
        spec: { rules: [{ match: { method: { exact: 'GET' } }, fault: { delay_ms: 1001, percentage: 20 } }] },
      }),
    ),
  );
  assert.ok(
    !samePolicyContent(
      a,
      canonical({
        metadata: { name: 'p' },
        spec: { rules: [{ match: { method: { exact: 'GET' } }, fault: { delay_ms: 1000, percentage: 20 } }] },
      }),
    ),
    'labels count',
  );
  assert.ok(!samePolicyContent(a, { ...a, metadata: { ...a.metadata, name: 'q' } }));
});
