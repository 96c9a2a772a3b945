// The dashboard's logic that needs no browser: rows, time left, windowing, rates, lag, coalescing, messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HfiApiError, HfiUnreachableError, type PolicyStatusItem, type PolicyWithStatus } from '@hfi/client';
import { coalesced } from '../src/model/coalesce.js';
import { FaultRate } from '../src/model/fault-rate.js';
import { describeLag, lagOf } from '../src/model/lag.js';
import { describeFailure, needsSignIn } from '../src/model/messages.js';
import { queryRows, type RowQuery, toRows } from '../src/model/policy-rows.js';
import { ago, timeLeft } from '../src/model/time.js';
import { visibleRows } from '../src/model/visible-rows.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function listed(
  name: string,
  o: { service?: string; phase?: PolicyStatusItem['phase']; aborts?: number; expiresInS?: number } = {},
): PolicyWithStatus {
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name, version: '1', createdAt: '2026-01-01T11:00:00Z', updatedAt: '2026-01-01T11:00:00Z' },
    spec: {
      selector: { service: o.service ?? 'frontend', namespace: 'demo' },
      priority: 0,
      rules: [{ fault: { percentage: 100, abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 } }],
    },
    status: {
      phase: o.phase ?? 'Active',
      activeFrom: '2026-01-01T11:00:00Z',
      expiresAt: o.expiresInS === undefined ? null : new Date(NOW + o.expiresInS * 1000).toISOString(),
      targetedDataPlanes: 2,
      appliedDataPlanes: 1,
      faults: { aborts: o.aborts ?? 0, delays: 0 },
      ruleFaults: [{ aborts: o.aborts ?? 0, delays: 0 }],
      wouldInject: 0,
      ruleWouldInject: [0],
      halts: [],
    },
  };
}

const query = (q: Partial<RowQuery> = {}): RowQuery => ({ text: '', phase: '', sort: 'name', direction: 'ascending', ...q });

test('rows take the fresher status of the poll over the one listed, and keep the listed time window', () => {
  const fresh: PolicyStatusItem = {
    name: 'a',
    phase: 'Halted',
    targetedDataPlanes: 3,
    appliedDataPlanes: 3,
    faults: { aborts: 5, delays: 2 },
    wouldInject: 0,
  };
  const [row] = toRows([listed('a', { expiresInS: 60 })], new Map([['a', fresh]]));
  assert.deepEqual(row, {
    name: 'a',
    selector: 'frontend.demo',
    phase: 'Halted',
    faults: 7,
    applied: 3,
    targeted: 3,
    expiresAt: new Date(NOW + 60_000).toISOString(),
    rules: 1,
  });
});

test('rows filter by text (name or selector) and phase, and sort by any column either way, ties by name', () => {
  const rows = toRows(
    [
      listed('checkout-abort', { service: 'checkout', aborts: 9, expiresInS: 30 }),
      listed('cart-delay', { service: 'cart', phase: 'Pending', aborts: 1 }),
      listed('front-abort', { aborts: 9, expiresInS: 600 }),
    ],
    new Map(),
  );
  const names = (q: Partial<RowQuery>) => queryRows(rows, query(q), NOW).map((r) => r.name);
  assert.deepEqual(names({}), ['cart-delay', 'checkout-abort', 'front-abort']);
  assert.deepEqual(names({ text: 'CHECKOUT' }), ['checkout-abort']);
  assert.deepEqual(names({ text: 'frontend.demo' }), ['front-abort']);
  assert.deepEqual(names({ phase: 'Pending' }), ['cart-delay']);
  assert.deepEqual(names({ sort: 'faults', direction: 'descending' }), ['checkout-abort', 'front-abort', 'cart-delay']);
  assert.deepEqual(names({ sort: 'timeLeft' }), ['checkout-abort', 'front-abort', 'cart-delay'], 'no limit sorts last');
  assert.deepEqual(names({ sort: 'phase' }), ['cart-delay', 'checkout-abort', 'front-abort'], 'Pending first');
  assert.deepEqual(names({ sort: 'selector', direction: 'descending' }), ['front-abort', 'checkout-abort', 'cart-delay']);
});

test('time left counts down as m:ss or h:mm:ss; no limit; ended', () => {
  const at = (s: number) => new Date(NOW + s * 1000).toISOString();
  assert.equal(timeLeft(at(245), NOW), '4:05');
  assert.equal(timeLeft(at(3723), NOW), '1:02:03');
  assert.equal(timeLeft(at(0.2), NOW), '0:01');
  assert.equal(timeLeft(at(-5), NOW), 'ended');
  assert.equal(timeLeft(null, NOW), 'no limit');
  assert.equal(ago(new Date(NOW - 12_000).toISOString(), NOW), '12 s ago');
  assert.equal(ago(new Date(NOW - 600_000).toISOString(), NOW), '10 min ago');
});

test('windowing renders the rows in view plus a margin, and spacers for the rest', () => {
  assert.deepEqual(visibleRows(0, 360, 36, 1000, 5), { start: 0, end: 16, before: 0, after: 984 * 36 });
  const middle = visibleRows(36 * 500, 360, 36, 1000, 5);
  assert.deepEqual([middle.start, middle.end], [495, 516]);
  assert.equal(middle.before + (middle.end - middle.start) * 36 + middle.after, 36 * 1000, 'the scroll height is that of every row');
  assert.deepEqual(visibleRows(36 * 2000, 360, 36, 10, 5), { start: 10, end: 10, before: 360, after: 0 }, 'scrolled past a shrunk list');
  assert.deepEqual(visibleRows(0, 360, 36, 0), { start: 0, end: 0, before: 0, after: 0 });
});

test('fault rate: the difference of totals over time; a total that drops starts again; old samples leave the window', () => {
  const rate = new FaultRate(10_000);
  rate.add(0, 0);
  rate.add(2_000, 10);
  rate.add(4_000, 30);
  assert.deepEqual(rate.series(), { times: [2, 4], rates: [5, 10] });
  rate.add(4_000, 40);
  assert.equal(rate.series().rates.length, 2, 'a sample at the same time is ignored');
  rate.add(20_000, 60);
  assert.deepEqual(rate.series().times, [20], 'samples older than the window are dropped');
  rate.add(22_000, 3);
  rate.add(24_000, 7);
  assert.deepEqual(rate.series(), { times: [24], rates: [2] });
});

test('lag: up to date, revisions behind, another epoch, unknown before the stream says', () => {
  const current = { epoch: 'e1', version: 12 };
  assert.equal(describeLag(lagOf({ epoch: 'e1', version: 12 }, current)), 'up to date');
  assert.equal(describeLag(lagOf({ epoch: 'e1', version: 9 }, current)), '3 revisions behind');
  assert.equal(describeLag(lagOf({ epoch: 'e1', version: 11 }, current)), '1 revision behind');
  assert.equal(describeLag(lagOf({ epoch: 'e0', version: 40 }, current)), 'holds another epoch');
  assert.equal(lagOf({ epoch: 'e1', version: 1 }, undefined).kind, 'unknown');
});

test('refreshes asked for while one runs cost one more run, not one each', async () => {
  let runs = 0;
  let release: () => void = () => {};
  const refresh = coalesced(async () => {
    runs++;
    await new Promise<void>((resolve) => (release = resolve));
  });
  const first = refresh();
  for (let i = 0; i < 5; i++) void refresh();
  release();
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await first;
  assert.equal(runs, 2);
  void refresh();
  assert.equal(runs, 3, 'a later ask runs at once');
  release();
});

test('failures are told by code: a read token is told it needs the admin token', () => {
  const forbidden = new HfiApiError('HFI_FORBIDDEN', 403, 'a read token may not perform write operations');
  assert.match(describeFailure('Applying the policy', forbidden), /^Applying the policy needs the admin token/);
  assert.match(describeFailure('Halting', new HfiApiError('HFI_VERSION_CONFLICT', 409, 'x')), /changed since it was loaded/);
  assert.match(describeFailure('Reading', new HfiUnreachableError('http://x', 'refused', 'connection refused')), /does not answer/);
  assert.equal(needsSignIn(new HfiApiError('HFI_UNAUTHORIZED', 401, 'missing')), true);
  assert.equal(needsSignIn(forbidden), false);
});
