// The plugin configuration (Istio pluginConfig as compact JSON, or an Envoy StringValue).
// Unknown keys are ignored (the seed's `cache_size`, for one); a known key with a bad value refuses the
// whole configuration, and the root context then passes all traffic (see docs/plugin.md).

import { JsonKind, JsonReader } from './json';
import { MAX_LEASE_SEC, MIN_LEASE_SEC } from './limits';

const DEFAULT_CLUSTER = 'outbound|8080||hfi-control-plane.hfi-system.svc.cluster.local';
const DEFAULT_AUTHORITY = 'hfi-control-plane.hfi-system.svc.cluster.local:8080';

export class Config {
  cluster: string = DEFAULT_CLUSTER;
  authority: string = DEFAULT_AUTHORITY;
  pollHoldMs: i64 = 30_000;
  pollTimeoutMs: i64 = 35_000;
  retryIntervalMs: i64 = 5_000;
  /** fault_lease_sec: stop injecting after this long without an answer from the control plane; 0 = off. */
  faultLeaseMs: i64 = 0;
  token: string = '';
  debug: bool = false;
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
      if (r.keyIs('control_plane_cluster')) cluster = reader.text('control_plane_cluster');
      else if (r.keyIs('control_plane_authority')) authority = reader.text('control_plane_authority');
      else if (r.keyIs('control_plane_addr')) addr = reader.text('control_plane_addr');
      else if (r.keyIs('poll_hold_sec')) config.pollHoldMs = reader.seconds('poll_hold_sec', 1, 300, '1..300');
      else if (r.keyIs('poll_timeout_sec')) timeoutMs = reader.seconds('poll_timeout_sec', 1, 600, '1..600');
      else if (r.keyIs('retry_interval_sec')) config.retryIntervalMs = reader.seconds('retry_interval_sec', 0.1, 3600, '0.1..3600');
      else if (r.keyIs('fault_lease_sec'))
        config.faultLeaseMs = reader.seconds('fault_lease_sec', MIN_LEASE_SEC, MAX_LEASE_SEC, '2..86400');
      else if (r.keyIs('token')) config.token = reader.text('token');
      else if (r.keyIs('debug')) {
        if (r.kind() == JsonKind.True || r.kind() == JsonKind.False) config.debug = r.readBool();
        else {
          r.skipValue();
          reader.fail('debug: expected true or false');
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
      result.error = "control_plane_addr: expected an http:// URL such as 'http://hfi-control-plane:8080'";
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
  config.pollTimeoutMs = timeoutMs >= 0 ? timeoutMs : config.pollHoldMs + 5_000;
  if (config.pollTimeoutMs <= config.pollHoldMs) {
    result.error = 'poll_timeout_sec: must exceed poll_hold_sec, or the call times out before the server answers';
    return result;
  }
  result.config = config;
  return result;
}
