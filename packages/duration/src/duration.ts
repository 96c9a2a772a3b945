// Go-style durations ("250ms", "1.5s", "1m30s", ".5s", "1500us") to whole milliseconds, in exact integer
// arithmetic. Go's time.ParseDuration grammar, since Envoy, Istio and kubectl users write durations that way;
// the npm parsers we tried (parse-duration, duration-js) accept what Go refuses: "10s garbage", "abc15s", "1d".

export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string };

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const NS_PER_MS = 1_000_000n;
/** Go's time.Duration is an int64 of nanoseconds: nothing longer (about 292 years) is a duration. */
const MAX_NS = 2n ** 63n - 1n;
/** A whole part of more digits is past MAX_NS in any unit (MAX_NS has 19). Keeps the arithmetic small. */
const MAX_WHOLE_DIGITS = 19;
/**
 * An hour is 2^13 * 3^2 * 5^11 ns, so a fraction with more significant digits is never whole nanoseconds, let
 * alone milliseconds, in any unit. Terms are summed in units of 10^-FRACTION_DIGITS ns.
 */
const FRACTION_DIGITS = 13;
const FRACTION_SCALE = 10n ** BigInt(FRACTION_DIGITS);
/** One term: a number with an optional fraction, then a unit (Go: anything up to the next digit or dot). */
const TERM = /(\d*)(?:\.(\d*))?([^\d.]*)/y;
const EXAMPLES = 'expected a duration such as "250ms", "1.5s" or "1m30s"';

/**
 * Parses Go's "[+]([0-9]*(\.[0-9]*)?[a-z]+)+" or "0", surrounding blanks ignored. HFI has no negative
 * durations, so a "-" is refused; so is a value that is not a whole number of milliseconds.
 */
export function parseDurationMs(text: string): DurationResult {
  const source = text.trim();
  if (source.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  const body = source.startsWith('+') ? source.slice(1) : source;
  if (body === '') return { ok: false, reason: 'is empty' };
  if (body === '0') return { ok: true, ms: 0 };
  let scaledNs = 0n; // the sum so far, in units of 10^-FRACTION_DIGITS ns
  for (let at = 0; at < body.length; ) {
    TERM.lastIndex = at;
    const [term = '', whole = '', fraction = '', unit = ''] = TERM.exec(body) ?? [];
    if (whole === '' && fraction === '') return { ok: false, reason: EXAMPLES };
    if (unit === '') return { ok: false, reason: `has a number without a unit: ${EXAMPLES}` };
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) return { ok: false, reason: `has unknown unit "${unit}": use ns, us, ms, s, m or h` };
    const digits = whole.replace(/^0+/, '');
    const decimals = fraction.replace(/0+$/, '');
    if (digits.length > MAX_WHOLE_DIGITS) return { ok: false, reason: 'is too large' };
    if (decimals.length > FRACTION_DIGITS) return { ok: false, reason: 'is not a whole number of milliseconds' };
    scaledNs += BigInt(digits + decimals.padEnd(FRACTION_DIGITS, '0')) * perUnit;
    if (scaledNs > MAX_NS * FRACTION_SCALE) return { ok: false, reason: 'is too large' };
    at += term.length;
  }
  if (scaledNs % (FRACTION_SCALE * NS_PER_MS) !== 0n) return { ok: false, reason: 'is not a whole number of milliseconds' };
  return { ok: true, ms: Number(scaledNs / (FRACTION_SCALE * NS_PER_MS)) };
}

/**
 * A duration setting or flag (timeouts, intervals, overrides): a duration as above, or a plain number of
 * seconds ("30" is "30s"), which is what people type after "timeout". Policy fields take durations only.
 */
export function parseDurationSettingMs(text: string): DurationResult {
  const source = text.trim();
  return parseDurationMs(/^\d+(\.\d+)?$/.test(source) ? `${source}s` : source);
}

/** Milliseconds as a person says them: 1s, 250ms, 1.5s, 2m, 1h30m. */
export function spokenMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  return spokenSeconds(ms / 1000);
}

/** Whole seconds as a person says them: 45s, 2m, 1h30m. */
export function spokenSeconds(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', sec > 0 || s === 0 ? `${sec}s` : ''];
  return parts.join('');
}
