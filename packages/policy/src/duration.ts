// Go-style durations ("250ms", "1.5s", "2m", "1h30m") to whole milliseconds, with exact integer arithmetic.
// The light subpath @hfi/policy/duration: the CLI and the control plane read their duration settings with it.

const UNIT_MS: Readonly<Record<string, bigint>> = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n };

export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string };

/** Parses a duration string; fractions are allowed as long as the result is a whole number of milliseconds. */
export function parseDurationMs(text: string): DurationResult {
  const source = text.trim();
  if (source === '') return { ok: false, reason: 'is empty' };
  if (source.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  if (source === '0') return { ok: true, ms: 0 };
  const part = /(\d+)(?:\.(\d+))?([a-zµ]+)/gy;
  let totalNumerator = 0n; // in ms * 10^maxScale
  let scale = 0;
  let position = 0;
  const terms: { numerator: bigint; scale: number }[] = [];
  while (position < source.length) {
    part.lastIndex = position;
    const match = part.exec(source);
    if (!match) {
      return { ok: false, reason: 'expected a duration such as "250ms", "1.5s", "2m" or "1h30m"' };
    }
    const [, whole = '', fraction = '', unit = ''] = match;
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) {
      return { ok: false, reason: `has unit "${unit}"; use one of ms, s, m, h (HFI delays are whole milliseconds)` };
    }
    if (whole.length + fraction.length > 15) return { ok: false, reason: 'is too long' };
    terms.push({ numerator: BigInt(whole + fraction) * unitMs, scale: fraction.length });
    scale = Math.max(scale, fraction.length);
    position = part.lastIndex;
  }
  for (const term of terms) totalNumerator += term.numerator * 10n ** BigInt(scale - term.scale);
  const divisor = 10n ** BigInt(scale);
  if (totalNumerator % divisor !== 0n) return { ok: false, reason: 'is not a whole number of milliseconds' };
  const ms = totalNumerator / divisor;
  if (ms > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'is too large' };
  return { ok: true, ms: Number(ms) };
}

/**
 * A duration setting or flag (timeouts, intervals, overrides): a duration as above, or a plain number of
 * seconds ("30" is "30s"), which is what people type after "timeout". Policy fields take durations only.
 */
export function parseDurationSettingMs(text: string): DurationResult {
  const source = text.trim();
  return parseDurationMs(/^\d+(\.\d+)?$/.test(source) ? `${source}s` : source);
}
