// Schedules (docs/policy.md "Schedules"): `spec.schedule {cron, activeFor, timezone}` makes a policy act only
// in recurring windows. Windows are computed here, in the control plane's compile step, with croner, and sent
// as absolute [startMs, endMs) pairs covering a horizon: the data plane only compares its clock with them,
// so they hold while the control plane is down, like duration_seconds.
import { parseDurationMs, spokenMs } from '@hfi/duration';
import { Cron } from 'croner';
import { checkKeys, describe, type ErrorSink, isRecord, own } from './errors.js';
import { readInteger } from './fields.js';
import { LIMITS } from './limits.js';
import type { PolicySpec } from './types.js';

export type Schedule = NonNullable<PolicySpec['schedule']>;
export type Window = [startMs: number, endMs: number];

const KEYS = ['cron', 'activeFor', 'activeForMs', 'timezone'] as const;

/** Starts whose gaps validation compares with activeFor: enough for any cron to repeat its shortest gap. */
const GAP_SAMPLE = 64;
/** Where the gap check starts: a fixed instant, so validation stays pure (a leap year, a Monday). */
const GAP_REFERENCE = new Date('2024-01-01T00:00:00Z');

function cronOf(schedule: Pick<Schedule, 'cron' | 'timezone'>): Cron {
  // Five fields only (minute precision): croner's seconds and years are not part of the policy language.
  return new Cron(schedule.cron, { paused: true, mode: '5-part', timezone: schedule.timezone });
}

export function readSchedule(sink: ErrorSink, path: string, value: unknown): Schedule | undefined {
  if (value === null) return undefined; // refused by checkKeys
  if (!isRecord(value)) {
    sink.add(path, `expected an object {cron, activeFor, timezone}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, KEYS);
  const before = sink.count;
  const timezone = readTimeZone(sink, `${path}.timezone`, own(value, 'timezone'));
  const cron = own(value, 'cron');
  let cronText: string | undefined;
  if (typeof cron !== 'string' || cron.trim().split(/\s+/).length !== 5 || cron.length > LIMITS.scheduleCronLength) {
    if (cron !== null)
      sink.add(
        `${path}.cron`,
        `expected a cron expression of five fields (minute hour day-of-month month day-of-week, e.g. "*/10 * * * *"), found ${describe(cron)}`,
      );
  } else cronText = cron.trim();
  const activeForMs = readActiveFor(sink, path, value);
  if (sink.count > before || cronText === undefined || timezone === undefined || activeForMs === undefined) return undefined;
  const schedule: Schedule = { cron: cronText, activeForMs, timezone };
  let starts: Date[];
  try {
    starts = cronOf(schedule).nextRuns(GAP_SAMPLE, GAP_REFERENCE);
  } catch (error) {
    sink.add(`${path}.cron`, `cron ${JSON.stringify(cronText)} does not parse: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (starts.length === 0) {
    sink.add(`${path}.cron`, `cron ${JSON.stringify(cronText)} never fires`);
    return undefined;
  }
  const gap = shortestGap(starts);
  if (gap !== undefined && activeForMs >= gap) {
    sink.add(`${path}.activeFor`, `windows would overlap: activeFor ${activeForMs}ms must be shorter than the ${gap}ms between two starts`);
    return undefined;
  }
  return schedule;
}

function readActiveFor(sink: ErrorSink, path: string, value: Record<string, unknown>): number | undefined {
  const text = own(value, 'activeFor');
  const ms = own(value, 'activeForMs');
  const max = LIMITS.scheduleHorizonMs;
  if (text !== undefined && ms !== undefined) {
    sink.add(`${path}.activeForMs`, 'the window length is given twice: use either activeFor or activeForMs');
    return undefined;
  }
  if (typeof text === 'string') {
    const parsed = parseDurationMs(text);
    if (!parsed.ok) sink.add(`${path}.activeFor`, `duration ${JSON.stringify(text)} ${parsed.reason}`);
    else if (parsed.ms < 1 || parsed.ms > max) sink.add(`${path}.activeFor`, `expected 1ms to ${max}ms, found ${parsed.ms}ms`);
    else return parsed.ms;
    return undefined;
  }
  if (text !== undefined) {
    if (text !== null) sink.add(`${path}.activeFor`, `expected a duration string such as "2m", found ${describe(text)}`);
    return undefined;
  }
  if (ms !== undefined) return ms === null ? undefined : readInteger(sink, `${path}.activeForMs`, ms, 1, max, 'milliseconds');
  sink.add(`${path}.activeFor`, 'is required (how long each window lasts, e.g. "2m")');
  return undefined;
}

function readTimeZone(sink: ErrorSink, path: string, value: unknown): string | undefined {
  if (value === undefined) return 'UTC';
  if (value === null) return undefined; // refused by checkKeys
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    sink.add(path, `expected an IANA time zone such as "Europe/Berlin", found ${describe(value)}`);
    return undefined;
  }
  try {
    // Intl knows the IANA zones and gives each its canonical spelling ("utc" -> "UTC").
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    sink.add(path, `${JSON.stringify(value)} is not an IANA time zone (e.g. "UTC", "Europe/Berlin")`);
    return undefined;
  }
}

function shortestGap(starts: readonly Date[]): number | undefined {
  let gap: number | undefined;
  for (let i = 1; i < starts.length; i++) {
    const d = starts[i]!.getTime() - starts[i - 1]!.getTime();
    if (gap === undefined || d < gap) gap = d;
  }
  return gap;
}

/**
 * The windows open at or after `fromMs` and starting before `fromMs + LIMITS.scheduleHorizonMs`, at most
 * LIMITS.scheduleWindows of them, cut to [activeFromMs, expiresAtMs) (0: no end). A window open at `fromMs`
 * is included; one cut to nothing is left out. Validation refuses an activeFor that makes windows overlap, but
 * it samples the starts: a gap it did not see (a daylight saving change shortening a day) could still make two
 * overlap, and those are merged, so the windows sent are always ascending and disjoint (the plugin refuses others).
 */
export function scheduleWindows(schedule: Schedule, fromMs: number, activeFromMs: number, expiresAtMs: number): Window[] {
  const untilMs = fromMs + LIMITS.scheduleHorizonMs;
  const cron = cronOf(schedule);
  const windows: Window[] = [];
  let cursor = new Date(fromMs - schedule.activeForMs);
  while (windows.length < LIMITS.scheduleWindows) {
    const next = cron.nextRun(cursor);
    if (next === null || next.getTime() >= untilMs || (expiresAtMs !== 0 && next.getTime() >= expiresAtMs)) break;
    cursor = next;
    const start = Math.max(next.getTime(), activeFromMs);
    const open = next.getTime() + schedule.activeForMs;
    const end = expiresAtMs === 0 ? open : Math.min(open, expiresAtMs);
    if (start >= end) continue;
    const last = windows.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
  }
  return windows;
}

/** The step a horizon starts from: the control plane recomputes windows at every multiple of scheduleStepMs. */
export function scheduleStep(nowMs: number): number {
  return nowMs - (nowMs % LIMITS.scheduleStepMs);
}

/** Whether `nowMs` falls in one of the windows (binary search: the plugin does the same). */
export function inWindow(windows: readonly Window[], nowMs: number): boolean {
  let lo = 0;
  let hi = windows.length;
  // The first window ending after now; it holds now when it has started.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (windows[mid]![1] <= nowMs) lo = mid + 1;
    else hi = mid;
  }
  return lo < windows.length && windows[lo]![0] <= nowMs;
}

/**
 * Where a schedule stands at `nowMs` (status): whether a window is open, and the next window's start after
 * now (undefined: none before `expiresAtMs`, 0 meaning no end).
 */
export function scheduleAt(schedule: Schedule, nowMs: number, expiresAtMs: number): { open: boolean; nextStartMs: number | undefined } {
  const cron = cronOf(schedule);
  // The first start after now - activeFor: its window holds now when it started by now.
  const latest = cron.nextRun(new Date(nowMs - schedule.activeForMs))?.getTime();
  const open = latest !== undefined && latest <= nowMs && (expiresAtMs === 0 || nowMs < expiresAtMs);
  const next = latest !== undefined && latest > nowMs ? latest : cron.nextRun(new Date(nowMs))?.getTime();
  return { open, nextStartMs: next !== undefined && (expiresAtMs === 0 || next < expiresAtMs) ? next : undefined };
}

/** The schedule in words (`hfi-cli policy describe`). */
export function describeSchedule(schedule: Schedule | undefined): string | undefined {
  if (!schedule) return undefined;
  return `only in windows of ${spokenMs(schedule.activeForMs)} starting at "${schedule.cron}" (${schedule.timezone})`;
}
