// The plugin configuration (Istio pluginConfig as compact JSON, or an Envoy StringValue).
// Unknown keys are ignored (the seed's `cache_size`, for one); a known key with a bad value refuses the
// whole configuration, and the root context then passes all traffic (see docs/plugin.md).

// Keys, ranges and defaults are generated from @hfi/api's PluginConfig (docs/adr/0080).

import {
  DEFAULT_CONTROL_PLANE_AUTHORITY,
  DEFAULT_CONTROL_PLANE_CLUSTER,
  DEFAULT_DEBUG,
  DEFAULT_REPORT_OUTCOMES,
  FAULT_LEASE_SEC_DEFAULT_MS,
  FAULT_LEASE_SEC_MAX,
  FAULT_LEASE_SEC_MIN,
  FAULT_LEASE_SEC_RANGE,
  KEY_CONTROL_PLANE_ADDR,
  KEY_CONTROL_PLANE_AUTHORITY,
  KEY_CONTROL_PLANE_CLUSTER,
  KEY_DEBUG,
  KEY_FAULT_LEASE_SEC,
  KEY_POLL_HOLD_SEC,
  KEY_POLL_TIMEOUT_SEC,
  KEY_REPORT_OUTCOMES,
  KEY_RETRY_INTERVAL_SEC,
  KEY_TOKEN,
  POLL_HOLD_SEC_DEFAULT_MS,
  POLL_HOLD_SEC_MAX,
  POLL_HOLD_SEC_MIN,
  POLL_HOLD_SEC_RANGE,
  POLL_TIMEOUT_SEC_HOLD_PLUS_MS,
  POLL_TIMEOUT_SEC_MAX,
  POLL_TIMEOUT_SEC_MIN,
  POLL_TIMEOUT_SEC_RANGE,
  RETRY_INTERVAL_SEC_DEFAULT_MS,
  RETRY_INTERVAL_SEC_MAX,
  RETRY_INTERVAL_SEC_MIN,
  RETRY_INTERVAL_SEC_RANGE,
} from './generated/contract';
import { JsonKind, JsonReader } from './json';

export class Config {
  cluster: string = DEFAULT_CONTROL_PLANE_CLUSTER;
  authority: string = DEFAULT_CONTROL_PLANE_AUTHORITY;
  pollHoldMs: i64 = POLL_HOLD_SEC_DEFAULT_MS;
  pollTimeoutMs: i64 = POLL_HOLD_SEC_DEFAULT_MS + POLL_TIMEOUT_SEC_HOLD_PLUS_MS;
  retryIntervalMs: i64 = RETRY_INTERVAL_SEC_DEFAULT_MS;
  /** fault_lease_sec: stop injecting after this long without an answer from the control plane; 0 = off. */
  faultLeaseMs: i64 = FAULT_LEASE_SEC_DEFAULT_MS;
  token: string = '';
  debug: bool = DEFAULT_DEBUG;
  /** report_outcomes: observe every request and report it (docs/outcomes.md). */
  reportOutcomes: bool = DEFAULT_REPORT_OUTCOMES;
}

export class ConfigResult {
  config: Config | null = null;
  error: string = '';
}

/** host[:port] of an http(s) URL such as "http://hfi-control-plane:8080/"; "" when it is not one. */
function authorityOf(url: string): string {
  let rest = url;
  if (rest.startsWith('http://')) rest = rest.substring(7);
  else if (rest.startsWith('https://')) rest = rest.substring(8);
  else return '';
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.substring(0, slash);
  return rest;
}

function hostOf(authority: string): string {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close > 0 ? authority.substring(0, close + 1) : authority;
  }
  const colon = authority.indexOf(':');
  return colon >= 0 ? authority.substring(0, colon) : authority;
}

/** Istio names outbound clusters `outbound|<port>|<subset>|<host>`: the Host header is `<host>:<port>`. */
function authorityOfCluster(cluster: string): string {
  if (!cluster.startsWith('outbound|')) return cluster;
  const parts = cluster.split('|');
  if (parts.length != 4 || parts[1].length == 0 || parts[3].length == 0) return cluster;
  return parts[3] + ':' + parts[1];
}

class Reader {
  error: string = '';
  constructor(public r: JsonReader) {}

  fail(message: string): void {
    if (this.error.length == 0) this.error = message;
  }

  seconds(key: string, min: f64, max: f64, range: string): i64 {
    const r = this.r;
    let v: f64 = NaN;
    if (r.kind() == JsonKind.Number) v = r.readNumber();
    else if (r.kind() == JsonKind.String) {
      // Some users quote numbers ("30"); read the text with the same strict number grammar.
      const text = r.readStringBytes();
      const inner = new JsonReader(changetype<usize>(text), text.byteLength);
      v = inner.kind() == JsonKind.Number ? inner.readNumber() : NaN;
      if (!inner.finish()) v = NaN;
    } else r.skipValue();
    if (r.failed) return 0;
    if (isNaN(v) || v < min || v > max) {
      this.fail(key + ': expected a number of seconds in ' + range);
      return 0;
    }
    return <i64>Math.round(v * 1000);
  }

  text(key: string): string {
    const r = this.r;
    if (r.kind() != JsonKind.String) {
      r.skipValue();
      this.fail(key + ': expected a string');
      return '';
    }
    return r.readString();
  }
}

export function parseConfig(ptr: usize, size: usize): ConfigResult {
  const result = new ConfigResult();
  const config = new Config();
  if (size == 0) {
    result.config = config;
    return result;
  }
  const r = new JsonReader(ptr, size);
  const reader = new Reader(r);
  let cluster = '';
  let authority = '';
  let addr = '';
  let timeoutMs: i64 = -1;
  if (r.enterObject()) {
    let first = true;
    while (r.nextKey(first)) {
      first = false;
      if (r.keyIs(KEY_CONTROL_PLANE_CLUSTER)) cluster = reader.text(KEY_CONTROL_PLANE_CLUSTER);
      else if (r.keyIs(KEY_CONTROL_PLANE_AUTHORITY)) authority = reader.text(KEY_CONTROL_PLANE_AUTHORITY);
      else if (r.keyIs(KEY_CONTROL_PLANE_ADDR)) addr = reader.text(KEY_CONTROL_PLANE_ADDR);
      else if (r.keyIs(KEY_POLL_HOLD_SEC))
        config.pollHoldMs = reader.seconds(KEY_POLL_HOLD_SEC, POLL_HOLD_SEC_MIN, POLL_HOLD_SEC_MAX, POLL_HOLD_SEC_RANGE);
      else if (r.keyIs(KEY_POLL_TIMEOUT_SEC))
        timeoutMs = reader.seconds(KEY_POLL_TIMEOUT_SEC, POLL_TIMEOUT_SEC_MIN, POLL_TIMEOUT_SEC_MAX, POLL_TIMEOUT_SEC_RANGE);
      else if (r.keyIs(KEY_RETRY_INTERVAL_SEC))
        config.retryIntervalMs = reader.seconds(
          KEY_RETRY_INTERVAL_SEC,
          RETRY_INTERVAL_SEC_MIN,
          RETRY_INTERVAL_SEC_MAX,
          RETRY_INTERVAL_SEC_RANGE,
        );
      else if (r.keyIs(KEY_FAULT_LEASE_SEC))
        config.faultLeaseMs = reader.seconds(KEY_FAULT_LEASE_SEC, FAULT_LEASE_SEC_MIN, FAULT_LEASE_SEC_MAX, FAULT_LEASE_SEC_RANGE);
      else if (r.keyIs(KEY_TOKEN)) config.token = reader.text(KEY_TOKEN);
      else if (r.keyIs(KEY_DEBUG)) {
        if (r.kind() == JsonKind.True || r.kind() == JsonKind.False) config.debug = r.readBool();
        else {
          r.skipValue();
          reader.fail(KEY_DEBUG + ': expected true or false');
        }
      } else if (r.keyIs(KEY_REPORT_OUTCOMES)) {
        if (r.kind() == JsonKind.True || r.kind() == JsonKind.False) config.reportOutcomes = r.readBool();
        else {
          r.skipValue();
          reader.fail(KEY_REPORT_OUTCOMES + ': expected true or false');
        }
      } else r.skipValue();
      if (reader.error.length > 0) break;
    }
    if (reader.error.length == 0) r.finish();
  }
  if (r.failed) {
    result.error = 'malformed JSON: ' + r.error;
    return result;
  }
  if (reader.error.length > 0) {
    result.error = reader.error;
    return result;
  }
  if (addr.length > 0) {
    const derived = authorityOf(addr);
    if (derived.length == 0) {
      result.error = KEY_CONTROL_PLANE_ADDR + ": expected an http:// URL such as 'http://hfi-control-plane:8080'";
      return result;
    }
    if (cluster.length == 0) cluster = hostOf(derived);
    if (authority.length == 0) authority = derived;
  }
  if (cluster.length > 0) config.cluster = cluster;
  if (authority.length > 0) config.authority = authority;
  else if (cluster.length > 0) config.authority = authorityOfCluster(cluster);
  // A healthy held poll must never outlast the lease: the hold is at most half of it.
  if (config.faultLeaseMs > 0 && config.pollHoldMs > config.faultLeaseMs / 2) config.pollHoldMs = config.faultLeaseMs / 2;
  config.pollTimeoutMs = timeoutMs >= 0 ? timeoutMs : config.pollHoldMs + POLL_TIMEOUT_SEC_HOLD_PLUS_MS;
  if (config.pollTimeoutMs <= config.pollHoldMs) {
    result.error = KEY_POLL_TIMEOUT_SEC + ': must exceed ' + KEY_POLL_HOLD_SEC + ', or the call times out before the server answers';
    return result;
  }
  result.config = config;
  return result;
}
