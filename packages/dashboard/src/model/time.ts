// Times as an SRE reads them during a game day: a countdown to a policy's end, and how long ago a data
// plane was seen.

/** What is left of a policy's time window: "4:05", "1:02:03", "no limit", or "ended". */
export function timeLeft(expiresAt: string | null | undefined, nowMs: number): string {
  if (expiresAt === null || expiresAt === undefined) return 'no limit';
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return '?';
  const seconds = Math.ceil((end - nowMs) / 1000);
  if (seconds <= 0) return 'ended';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Milliseconds until `expiresAt` (Infinity without a limit): what "time left" sorts by. */
export function msLeft(expiresAt: string | null | undefined, nowMs: number): number {
  if (expiresAt === null || expiresAt === undefined) return Number.POSITIVE_INFINITY;
  const end = Date.parse(expiresAt);
  return Number.isNaN(end) ? Number.POSITIVE_INFINITY : Math.max(0, end - nowMs);
}

/** "just now", "12 s ago", "3 min ago", "2 h ago". */
export function ago(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.max(0, Math.floor((nowMs - then) / 1000));
  if (seconds < 2) return 'just now';
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}
