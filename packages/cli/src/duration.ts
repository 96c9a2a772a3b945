// `--timeout 10s` style durations. Plain numbers are seconds (what people type after "timeout").
const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "500ms", "10s", "1m", "1h30m" or "10" (seconds); returns null when the text is not a duration. */
export function parseDurationMs(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(trimmed); m !== null; m = part.exec(trimmed)) {
    total += Number(m[1]) * (UNITS_MS[m[2] as string] as number);
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) return null;
  return Math.round(total);
}
