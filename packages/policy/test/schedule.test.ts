import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicyRules, compileRuleSet, inWindow, LIMITS, scheduleAt, scheduleStep } from '../src/index.js';
import { stored, T0 } from './helpers.js';

const MINUTE = 60_000;
const scheduled = (schedule: unknown, fault: Record<string, unknown> = {}, updatedAtMs = T0) =>
  stored({ metadata: { name: 's' }, spec: { schedule, rules: [{ fault: { abort: { httpStatus: 503 }, ...fault } }] } }, { updatedAtMs });

test('a schedule compiles to absolute windows from the horizon start, and makes the set wire version 2', () => {
  const policy = scheduled({ cron: '*/10 * * * *', activeFor: '2m' });
  const [rule] = compilePolicyRules(policy, { scheduleFromMs: T0 + 15 * MINUTE });
  assert.deepEqual(rule!.windows!.slice(0, 2), [
    [T0 + 20 * MINUTE, T0 + 22 * MINUTE],
    [T0 + 30 * MINUTE, T0 + 32 * MINUTE],
  ]);
  assert.equal(compileRuleSet([policy], { epoch: 'e', version: 1 }).wireVersion, 2);
  assert.equal(compileRuleSet([scheduled(undefined)], { epoch: 'e', version: 1 }).wireVersion, 1);
});

test('a window open at the horizon start is included; windows stop at the horizon', () => {
  const [rule] = compilePolicyRules(scheduled({ cron: '0 * * * *', activeFor: '30m' }), { scheduleFromMs: T0 + 10 * MINUTE });
  const windows = rule!.windows!;
  assert.deepEqual(windows[0], [T0, T0 + 30 * MINUTE]);
  assert.equal(windows.length, 25, 'the one open at the start, then a start each hour of the 24 h');
  assert.ok(windows.at(-1)![0] < T0 + 10 * MINUTE + LIMITS.scheduleHorizonMs);
});

test('windows are capped at LIMITS.scheduleWindows and cut to the active period', () => {
  const [every] = compilePolicyRules(scheduled({ cron: '* * * * *', activeFor: '10s' }));
  assert.equal(every!.windows!.length, LIMITS.scheduleWindows);
  const [cut] = compilePolicyRules(scheduled({ cron: '*/10 * * * *', activeFor: '6m' }, { duration_seconds: 1380 }, T0 + 2 * MINUTE), {
    scheduleFromMs: T0,
  });
  assert.deepEqual(cut!.windows, [
    [T0 + 2 * MINUTE, T0 + 6 * MINUTE],
    [T0 + 10 * MINUTE, T0 + 16 * MINUTE],
    [T0 + 20 * MINUTE, T0 + 25 * MINUTE],
  ]);
});

test('a cron is read in its time zone (Europe/Berlin: UTC+1 in November)', () => {
  const [rule] = compilePolicyRules(scheduled({ cron: '0 9 * * *', activeFor: '1m', timezone: 'Europe/Berlin' }));
  assert.deepEqual(rule!.windows, [[T0 + 8 * 60 * MINUTE, T0 + 8 * 60 * MINUTE + MINUTE]]);
});

test('inWindow: start included, end excluded, none outside', () => {
  const windows: [number, number][] = [
    [10, 20],
    [30, 40],
  ];
  assert.deepEqual(
    [9, 10, 19, 20, 29, 30, 39, 40].map((t) => inWindow(windows, t)),
    [false, true, true, false, false, true, true, false],
  );
  assert.equal(inWindow([], 10), false);
});

test('scheduleAt: whether a window is open now and when the next starts, none after the expiry', () => {
  const schedule = { cron: '*/10 * * * *', activeForMs: 2 * MINUTE, timezone: 'UTC' };
  assert.deepEqual(scheduleAt(schedule, T0 + MINUTE, 0), { open: true, nextStartMs: T0 + 10 * MINUTE });
  assert.deepEqual(scheduleAt(schedule, T0 + 5 * MINUTE, 0), { open: false, nextStartMs: T0 + 10 * MINUTE });
  assert.deepEqual(scheduleAt(schedule, T0 + 5 * MINUTE, T0 + 9 * MINUTE), { open: false, nextStartMs: undefined });
});

test('scheduleStep: the horizon moves at every multiple of LIMITS.scheduleStepMs', () => {
  assert.equal(scheduleStep(T0 + LIMITS.scheduleStepMs - 1), T0);
  assert.equal(scheduleStep(T0 + LIMITS.scheduleStepMs), T0 + LIMITS.scheduleStepMs);
});

test('windows a daylight saving change makes overlap are merged: what is sent stays disjoint', () => {
  // 02:30 in Berlin does not exist on 2026-03-29: croner starts at 03:00, 23.5 h after the day before.
  const schedule = { cron: '30 2 * * *', activeFor: '23h45m', timezone: 'Europe/Berlin' };
  const from = Date.parse('2026-03-28T12:00:00Z');
  const [rule] = compilePolicyRules(scheduled(schedule, {}, from), { scheduleFromMs: from });
  const windows = rule!.windows!;
  assert.deepEqual(windows, [[from, Date.parse('2026-03-29T01:00:00Z') + 23.75 * 3_600_000]], 'one window, merged');
  assert.ok(inWindow(windows, Date.parse('2026-03-29T01:10:00Z')), 'the merged window holds across the change');
});
