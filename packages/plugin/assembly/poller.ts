// The long-poll client's state (docs/wire-format.md "Data-plane long-poll"): request building,
// backoff with jitter, and "log once per change of state". The root context does the host calls.

import { Identity } from './identity';
import { jsonQuote } from './json';
import { WIRE_VERSION } from './limits';
import { Xorshift64Star } from './random';

/** Never poll more often than this after an answer that changed nothing, even when a server answers 304 at once. */
const MIN_POLL_SPACING_MS: i64 = 1_000;
const MAX_BACKOFF_MS: i64 = 60_000;

export class Poller {
  inFlight: bool = false;
  token: u32 = 0;
  startedAtMs: i64 = 0;
  /** When the next poll may start; -1 while one is in flight. */
  dueAtMs: i64 = 0;
  failures: i32 = 0;
  /** "" while healthy; otherwise the failure last logged, so a repeat is not logged again. */
  lastFailure: string = '';

  constructor(readonly jitter: Xorshift64Star) {}

  started(token: u32, nowMs: i64): void {
    this.inFlight = true;
    this.token = token;
    this.startedAtMs = nowMs;
    this.dueAtMs = -1;
  }

  /**
   * A successful answer: poll again at once after one that changed the held version (the next change may
   * follow closely); otherwise not sooner than MIN_POLL_SPACING_MS after the previous poll started, so a
   * server that answers 304 at once cannot make the plugin spin.
   */
  succeeded(nowMs: i64, changed: bool): bool {
    this.inFlight = false;
    this.failures = 0;
    const recovered = this.lastFailure.length > 0;
    this.lastFailure = '';
    const earliest = changed ? nowMs : this.startedAtMs + MIN_POLL_SPACING_MS;
    this.dueAtMs = earliest > nowMs ? earliest : nowMs;
    return recovered;
  }

  /** A failed poll: schedules a retry; true when `reason` is news worth a log line. */
  failed(nowMs: i64, reason: string, retryIntervalMs: i64): bool {
    this.inFlight = false;
    this.failures++;
    let backoff = retryIntervalMs;
    for (let i = 1; i < this.failures && backoff < MAX_BACKOFF_MS; i++) backoff *= 2;
    const cap = retryIntervalMs > MAX_BACKOFF_MS ? retryIntervalMs : MAX_BACKOFF_MS;
    if (backoff > cap) backoff = cap;
    // "Equal jitter": half fixed, half random, so many pods that failed together spread out.
    const half = backoff / 2;
    const wait = half + <i64>(<u64>this.jitter.nextU32() % <u64>(half + 1));
    this.dueAtMs = nowMs + (wait > 0 ? wait : 1);
    const news = reason != this.lastFailure;
    this.lastFailure = reason;
    return news;
  }
}

/** The members every data-plane call opens with: wireVersion, identity, instance (without the closing brace). */
export function callerFields(identity: Identity, instance: string): string {
  let body = '{"wireVersion":' + WIRE_VERSION.toString();
  body += ',"identity":{"service":' + (identity.hasService ? jsonQuote(identity.service) : 'null');
  body += ',"namespace":' + (identity.hasNamespace ? jsonQuote(identity.namespace) : 'null');
  body += ',"pod":' + (identity.hasPod ? jsonQuote(identity.pod) : 'null') + '}';
  return body + ',"instance":' + jsonQuote(instance);
}

/** A poll's body: `caller` is callerFields() of this root (the same for every poll, so made once). */
export function pollBody(caller: string, holdMs: i64, epoch: string, version: i64, counters: string): string {
  let body = caller;
  body += ',"epoch":' + jsonQuote(epoch);
  body += ',"version":' + version.toString();
  body += ',"holdMs":' + holdMs.toString();
  if (counters.length > 0) body += ',"counters":' + counters;
  return body + '}';
}
