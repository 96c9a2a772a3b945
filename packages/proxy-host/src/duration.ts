// Duration flags of hfi-proxy ("15s", "1500ms", "1m30s"), spelled as hfi-cli's --timeout is.
// Our own small parser: proxy-host depends on none of HFI's packages (so not @hfi/policy's), and the
// npm parsers we tried (parse-duration, duration-js) accept what Go refuses: "10s garbage", "abc15s", "1d".

export type ParsedDuration = { ok: true; ms: number } | { ok: false; reason: string };

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
/** Go's time.Duration is an int64 of nanoseconds. */
const MAX_GO_NS = 2n ** 63n - 1n;
/** Node's timers fire at once past 2^31-1 ms (TimeoutOverflowWarning), which would time out every request. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** One term of Go's grammar: a number with an optional fraction, then a unit (anything up to the next digit or dot). */
const TERM = /(\d*)(?:\.(\d*))?([^\d.]*)/y;
const EXPECTED = 'expected a duration such as 15s, 1500ms or 1m30s';

/** Go's time.ParseDuration ("[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+" or "0"), as whole milliseconds. */
function parseGoDurationMs(text: string): ParsedDuration {
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  if (body === '0') return { ok: true, ms: 0 };
  if (body === '') return { ok: false, reason: `is not a duration: ${EXPECTED}` };
  let ns = 0n;
  for (let at = 0; at < body.length; ) {
    TERM.lastIndex = at;
    const [term = '', whole = '', fraction = '', unit = ''] = TERM.exec(body) ?? [];
    if (whole === '' && fraction === '') return { ok: false, reason: `is not a duration: ${EXPECTED}` };
    if (unit === '') return { ok: false, reason: `has a number without a unit: ${EXPECTED}` };
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) return { ok: false, reason: `has unknown unit "${unit}": use ns, us, ms, s, m or h` };
    ns += (BigInt(whole + fraction) * perUnit) / 10n ** BigInt(fraction.length);
    if (ns > MAX_GO_NS) return { ok: false, reason: 'is too large' };
    at += term.length;
  }
  if (ns % 1_000_000n !== 0n) return { ok: false, reason: 'is not a whole number of milliseconds' };
  const ms = Number(ns / 1_000_000n);
  return { ok: true, ms: negative ? -ms : ms };
}

/**
 * A duration flag's value in milliseconds, > 0 and within what a Node timer can wait. A bare integer is
 * milliseconds, as hfi-proxy's flags took before they took durations.
 */
export function parseDurationFlag(text: string): ParsedDuration {
  const parsed = /^\d+$/.test(text) ? { ok: true as const, ms: Number(text) } : parseGoDurationMs(text);
  if (!parsed.ok) return parsed;
  if (parsed.ms <= 0) return { ok: false, reason: 'must be greater than 0' };
  if (parsed.ms > MAX_TIMER_MS) return { ok: false, reason: `is too large: at most ${MAX_TIMER_MS}ms (596h31m23.647s)` };
  return parsed;
}
