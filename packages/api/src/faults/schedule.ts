// Schedules' shapes (docs/policy.md "Schedules"): `spec.schedule` makes a policy act only in recurring windows,
// each starting at a cron time and lasting activeFor. @hfi/policy src/schedule.ts validates them and computes the
// windows; the control plane sends them as absolute times, so they hold while it is down.
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../limits.js';
import { CLOSED } from '../schema.js';

const Cron = Type.String({
  minLength: 1,
  maxLength: LIMITS.scheduleCronLength,
  description: 'five fields: minute hour day-of-month month day-of-week ("*/10 * * * *")',
});
const ActiveForMs = Type.Integer({
  minimum: 1,
  description: 'how long each window lasts; shorter than the shortest gap between two starts',
});
const timeZone = { minLength: 1, maxLength: 64, description: 'an IANA time zone the cron fields are read in' };
const TimeZone = Type.String(timeZone);

/** The canonical `spec.schedule`. */
export const PolicySchedule = Type.Object({ cron: Cron, activeForMs: ActiveForMs, timezone: TimeZone }, CLOSED);

/** What users may write: activeFor as a duration, the time zone left out for UTC. */
export const PolicyScheduleInput = Type.Object(
  {
    cron: Cron,
    activeFor: Type.Optional(Type.String({ description: 'a duration: "2m"' })),
    activeForMs: Type.Optional(ActiveForMs),
    timezone: Type.Optional(Type.String({ ...timeZone, default: 'UTC' })),
  },
  CLOSED,
);

/**
 * Wire version 2, on each rule of a scheduled policy: [startMs, endMs) pairs in epoch ms, ascending and disjoint,
 * within the compile horizon and the policy's active period. The rule applies only inside one; none left: never.
 */
export const CompiledWindows = Type.Array(Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]), {
  maxItems: LIMITS.scheduleWindows,
  description: 'schedule windows [startMs, endMs), ascending',
});
