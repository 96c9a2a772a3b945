// Human time: kubectl's short ages ("5s", "3m", "2h", "4d") and relative phrases.

/** Age of `iso` at `nowMs`, like kubectl's AGE column. */
export function formatAge(iso: string | undefined, nowMs: number): string {
  if (iso === undefined) return '<unknown>';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '<unknown>';
  return shortDuration(nowMs - then);
}

/** 5s, 3m, 2h, 4d, 2y; a small negative span (clock skew) shows as 0s. */
export function shortDuration(ms: number): string {
  if (ms < -1000) return '<invalid>';
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

/** "in 4m" or "3m ago". */
export function relative(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return at >= nowMs ? `in ${shortDuration(at - nowMs)}` : `${shortDuration(nowMs - at)} ago`;
}

// Spoken durations live with the duration parser (@hfi/duration): the policy's fault descriptions use them too.
export { spokenMs, spokenSeconds } from '@hfi/duration';
