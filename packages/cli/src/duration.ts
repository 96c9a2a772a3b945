// `--timeout 10s` style durations: the policy model's Go-style parser, plus plain numbers as seconds
// (what people type after "timeout"). The light subpath keeps the CLI's start-up free of the validator.
import { parseDurationMs as parseGoDurationMs } from '@hfi/policy/duration';

/** Parses "500ms", "10s", "1m", "1h30m" or "10" (seconds); returns null when the text is not a duration. */
export function parseDurationMs(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parsed = parseGoDurationMs(trimmed);
  return parsed.ok ? parsed.ms : null;
}
