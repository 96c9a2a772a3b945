import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyWithStatus } from '@hfi/client';
import type { Rule } from '@hfi/policy';
import { PLAIN } from './color.js';
import { describeFault, describeMatch, describePolicy } from './policy-describe.js';
import { renderPolicyTable } from './policy-table.js';

const fault = { percentage: 100, start_delay_ms: 0, duration_seconds: 0 };

/** A described policy: one abort rule, active since 00:30, with the given parts replaced. */
function policyWith(parts: {
  metadata?: Partial<PolicyWithStatus['metadata']>;
  spec?: Partial<PolicyWithStatus['spec']>;
  status?: Partial<PolicyWithStatus['status']>;
}): PolicyWithStatus {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name: 'p', version: '3', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:30:00Z', ...parts.metadata },
    spec: {
      selector: { service: '*', namespace: 'demo' },
      priority: 0,
      rules: [{ fault: { ...fault, abort: { httpStatus: 500 } } }],
      ...parts.spec,
    },
    status: {
      phase: 'Active',
      activeFrom: '2025-01-01T00:30:00Z',
      expiresAt: null,
      targetedDataPlanes: 2,
      appliedDataPlanes: 1,
      faults: { aborts: 1, delays: 0 },
      ruleFaults: [{ aborts: 1, delays: 0 }],
      wouldInject: 0,
      ruleWouldInject: [0],
      halts: [],
      ...parts.status,
    },
  };
}

test('matches are put in words, header by header', () => {
  const rule: Rule = {
    match: {
      method: { regex: 'GET|HEAD' },
      headers: [
        { name: 'x-canary', present: true },
        { name: 'x-debug', present: false },
        { name: 'x-user', prefix: 'test-' },
      ],
    },
    fault: { ...fault, abort: { httpStatus: 500 } },
  };
  assert.equal(
    describeMatch(rule),
    'method matches the regex "GET|HEAD" (whole value), and header "x-canary" is present, and header "x-debug" is absent, and header "x-user" starts with "test-"',
  );
  assert.equal(describeMatch({ fault: rule.fault }), 'every request');
});

test('faults are put in words: delay, then abort with gRPC status, body and headers', () => {
  const rule: Rule = {
    fault: {
      ...fault,
      delay: { fixed_delay_ms: 1500 },
      abort: { httpStatus: 503, grpcStatus: 14, body: 'x'.repeat(100), headers: { 'retry-after': '5' } },
    },
  };
  assert.equal(
    describeFault(rule),
    `delay 1.5s, then abort with HTTP 503 (gRPC status 14) and body "${'x'.repeat(59)}…", headers retry-after: 5`,
  );
});

test('delay distributions are put in words: the jitter with its range, the quantiles of a log-normal delay', () => {
  assert.equal(
    describeFault({ fault: { ...fault, delay: { fixed_delay_ms: 200, jitter_ms: 50 } } }),
    'delay 200ms ± 50ms (uniform from 150ms to 250ms)',
  );
  assert.equal(
    describeFault({ fault: { ...fault, delay: { quantiles_ms: { p50: 100, p99: 1200 } } } }),
    'delay drawn from a log-normal distribution with p50 100ms and p99 1.2s',
  );
});

test('limits are put in words after what the fault does, and say they count per worker', () => {
  assert.equal(
    describeFault({ fault: { ...fault, delay: { fixed_delay_ms: 2000 }, limit: { firstRequests: 3, perSecond: 5 }, maxActive: 10 } }),
    'delay 2s; only the first 3 requests, then none, at most 5 a second, at most 10 held at once (counted per worker)',
  );
  assert.equal(
    describeFault({ fault: { ...fault, abort: { httpStatus: 503 }, limit: { firstRequests: 1 } } }),
    'abort with HTTP 503; only the first 1 request, then none (counted per worker)',
  );
});

test('a reset is put in words, after its delay', () => {
  assert.equal(
    describeFault({ fault: { ...fault, delay: { fixed_delay_ms: 3000 }, reset: {} } }),
    'delay 3s, then reset the stream (the caller gets no response: the connection closes)',
  );
});

test('a response-phase fault says it acts after the upstream answered, and on which statuses', () => {
  const rule: Rule = {
    match: { path: { prefix: '/orders' }, responseStatus: '5xx' },
    fault: { ...fault, phase: 'response', delay: { fixed_delay_ms: 1000 } },
  };
  assert.equal(describeMatch(rule), 'path starts with "/orders", and the upstream answered 5xx');
  assert.equal(describeFault(rule), 'after the upstream answered: delay 1s');
});

test('the time window says when a policy expired, and what an expiring one has left', () => {
  const now = Date.parse('2025-01-01T01:00:00Z');
  const policy = (phase: 'Active' | 'Expired' | 'Scheduled', expiresAt: string | null) => policyWith({ status: { phase, expiresAt } });
  const expired = describePolicy(policy('Expired', '2025-01-01T00:40:00Z'), now, PLAIN);
  assert.match(expired, /^Time window: +from 2025-01-01T00:30:00Z \(30m ago\) to 2025-01-01T00:40:00Z \(expired 20m ago\)$/m);
  assert.match(expired, /^Selector: +every service in namespace "demo"$/m);
  assert.match(expired, /^Data planes: +applied on 1 of 2 targeted data planes$/m);
  assert.match(expired, /^Faults: +1 abort, 0 delays injected so far$/m);
  const open = describePolicy(policy('Active', null), now, PLAIN);
  assert.match(open, /^Time window: +from 2025-01-01T00:30:00Z \(30m ago\) until deleted$/m);
  const chosen = policy('Active', null);
  chosen.spec.requestOverrides = { maxDelayMs: 2000, abortStatuses: [500, 503] };
  assert.match(
    describePolicy(chosen, now, PLAIN),
    /^Overrides: +a request may choose its fault: x-hfi-fault-delay-ms up to 2000ms; x-hfi-fault-abort-status one of 500, 503$/m,
  );
  const scheduled = policy('Scheduled', null);
  scheduled.spec.schedule = { cron: '*/10 * * * *', activeForMs: 120_000, timezone: 'UTC' };
  scheduled.status = { ...scheduled.status, nextWindowAt: '2025-01-01T01:10:00Z' };
  const text = describePolicy(scheduled, now, PLAIN);
  assert.match(text, /^Schedule: +only in windows of 2m starting at "\*\/10 \* \* \* \*" \(UTC\)$/m);
  assert.match(text, /^Next window: +2025-01-01T01:10:00Z \(in 10m\)$/m);
});

test('a dry run says so, and shows what it would have injected, in all and per rule; policy list shows the count as its faults', () => {
  const policy = policyWith({
    metadata: { name: 'rehearsal' },
    spec: {
      selector: { service: 'cart', namespace: 'shop' },
      priority: 0,
      dryRun: true,
      rules: [{ fault: { ...fault, abort: { httpStatus: 503 } } }, { fault: { ...fault, delay: { fixed_delay_ms: 1000 } } }],
    },
    status: {
      appliedDataPlanes: 2,
      faults: { aborts: 0, delays: 0 },
      ruleFaults: [
        { aborts: 0, delays: 0 },
        { aborts: 0, delays: 0 },
      ],
      wouldInject: 42,
      ruleWouldInject: [41, 1],
    },
  });
  const text = describePolicy(policy, Date.parse('2025-01-01T01:00:00Z'), PLAIN);
  assert.match(text, /^Dry run: +yes: data planes match and count, and inject nothing$/m);
  assert.match(text, /^Would inject: +42 requests so far \(dry run\)$/m);
  assert.match(text, /^ {4}Dry run: +would have faulted 41 requests$/m);
  assert.match(text, /^ {4}Dry run: +would have faulted 1 request$/m);
  const table = renderPolicyTable([policy], { wide: false, nowMs: Date.parse('2025-01-01T01:00:00Z'), palette: PLAIN });
  assert.match(table, /rehearsal .* 42 \(dry run\) /);
});

test('stop conditions are listed; a policy a stop condition stopped says which one, what it saw, and how to resume it', () => {
  const condition = { selector: { service: 'frontend', namespace: 'shop' }, errorRateAbove: 5, windowMs: 30_000, minRequests: 50 };
  const policy = policyWith({
    metadata: { name: 'cart-abort', version: '7' },
    spec: {
      selector: { service: 'cart', namespace: 'shop' },
      priority: 0,
      stopWhen: [condition, { ...condition, errorRateAbove: undefined, p99LatencyAboveMs: 800 } as never],
      rules: [{ fault: { ...fault, abort: { httpStatus: 503 } } }],
    },
    status: {
      phase: 'Halted',
      targetedDataPlanes: 1,
      faults: { aborts: 9, delays: 0 },
      ruleFaults: [{ aborts: 9, delays: 0 }],
      haltReason: {
        source: 'stopWhen',
        conditionIndex: 0,
        condition,
        observed: { requests: 120, errors: 12, errorRatePercent: 10, p99Ms: 35, dataPlanes: 2 },
        at: '2025-01-01T00:59:00Z',
      },
    },
  });
  const text = describePolicy(policy, Date.parse('2025-01-01T01:00:00Z'), PLAIN);
  assert.match(text, /^Stop when: +service "frontend" in namespace "shop": error rate above 5% over 30s \(at least 50 requests\)$/m);
  assert.match(text, /^ +service "frontend" in namespace "shop": p99 latency above 800ms over 30s \(at least 50 requests\)$/m);
  assert.match(
    text,
    /^Stopped by: +stop condition 0 at 2025-01-01T00:59:00Z \(60s ago\): .*; saw 10% errors, p99 35ms over 120 requests from 2 data planes \(resume: hfi-cli policy resume cart-abort\)$/m,
  );
});
