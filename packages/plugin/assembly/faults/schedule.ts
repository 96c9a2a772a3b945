// Schedules (docs/policy.md "Schedules"): the `windows` field of a rule whose policy has spec.schedule, the
// absolute [startMs, endMs) pairs the control plane computed. The rule applies only while the request's clock
// reading is inside one, exactly as the reference (@hfi/policy src/schedule.ts inWindow): a binary search over
// the sorted pairs, after the activeFrom/expiry check. Rules without a schedule cost nothing more.

import { MAX_SCHEDULE_WINDOWS } from '../limits';
import { FieldReader } from '../loader/fields';
import { extraOf, Rule } from '../ruleset';

/** Epoch ms bound for a window: years beyond 9999 are not a schedule. */
const MAX_MS: f64 = 253_402_300_800_000;

/** The `windows` field (wire version 2): [[startMs, endMs], ...], ascending, disjoint, each non-empty. */
export function readWindowsField(fields: FieldReader, rule: Rule): void {
  const r = fields.reader;
  if (!r.enterArray()) return;
  const flat = new Array<i64>();
  let first = true;
  let lastEnd: i64 = -1;
  while (r.nextItem(first)) {
    first = false;
    if (flat.length >= 2 * MAX_SCHEDULE_WINDOWS) {
      fields.fail('windows', '', 'more than ' + MAX_SCHEDULE_WINDOWS.toString() + ' windows');
      return;
    }
    if (!r.enterArray() || !r.nextItem(true)) {
      fields.fail('windows', '[]', 'expected [startMs, endMs]');
      return;
    }
    const start = <i64>fields.integer('windows', '[][0]', 0, MAX_MS);
    if (!fields.ok || !r.nextItem(false)) {
      fields.fail('windows', '[]', 'expected [startMs, endMs]');
      return;
    }
    const end = <i64>fields.integer('windows', '[][1]', 0, MAX_MS);
    if (!fields.ok) return;
    if (r.nextItem(false)) {
      fields.fail('windows', '[]', 'expected [startMs, endMs]');
      return;
    }
    if (start < lastEnd || end <= start) {
      fields.fail('windows', '[]', 'windows must be ascending, disjoint and not empty');
      return;
    }
    lastEnd = end;
    flat.push(start);
    flat.push(end);
  }
  if (!fields.ok) return;
  const windows = new StaticArray<i64>(flat.length);
  for (let i = 0; i < flat.length; i++) unchecked((windows[i] = flat[i]));
  extraOf(rule).windows = windows;
}

/** Whether the rule has a schedule (it then always reads the clock). */
export function scheduled(rule: Rule): bool {
  const extra = rule.extra;
  return extra !== null && extra.windows !== null;
}

/** Whether `t` is inside one of the rule's windows; true for a rule without a schedule. */
export function inSchedule(rule: Rule, t: i64): bool {
  const extra = rule.extra;
  if (extra === null) return true;
  const windows = extra.windows;
  if (windows === null) return true;
  // The first window ending after t holds t when it has started.
  let lo = 0;
  let hi = windows.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (unchecked(windows[2 * mid + 1]) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo < windows.length >> 1 && unchecked(windows[2 * lo]) <= t;
}
