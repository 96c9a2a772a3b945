// The plugin's metrics (docs/wire-format.md "Metrics the plugin defines"). Defined once per VM from
// on_configure; Envoy keeps them process-wide, so every worker VM adds to the same stats.

import { MetricType, Status } from './abi/constants';
import { proxy_define_metric, proxy_increment_metric, proxy_record_metric } from './abi/imports';

const idSlot = memory.data(4);

let defined = false;
let abortsId: u32 = 0;
let delaysId: u32 = 0;
let delayDurationId: u32 = 0;
let updatesId: u32 = 0;
let errorsId: u32 = 0;
let releasedId: u32 = 0;
let haltedId: u32 = 0;
let leaseExpiredId: u32 = 0;
let leaseExpiriesId: u32 = 0;
let epochChangesId: u32 = 0;
let overMaxActiveId: u32 = 0;
let resetsId: u32 = 0;
let overridesIgnoredId: u32 = 0;

function define(type: u32, name: string): u32 {
  const bytes = String.UTF8.encode(name);
  if (proxy_define_metric(type, changetype<usize>(bytes), bytes.byteLength, idSlot) != Status.Ok) return 0;
  return load<u32>(idSlot);
}

export function defineMetrics(): void {
  if (defined) return;
  defined = true;
  abortsId = define(MetricType.Counter, 'wasmcustom_hfi_faults_aborts_total');
  delaysId = define(MetricType.Counter, 'wasmcustom_hfi_faults_delays_total');
  delayDurationId = define(MetricType.Histogram, 'wasmcustom_hfi_faults_delay_duration_milliseconds');
  updatesId = define(MetricType.Counter, 'wasmcustom_hfi_ruleset_updates_total');
  errorsId = define(MetricType.Counter, 'wasmcustom_hfi_control_plane_errors_total');
  releasedId = define(MetricType.Counter, 'wasmcustom_hfi_faults_released_total');
  haltedId = define(MetricType.Gauge, 'wasmcustom_hfi_halted');
  leaseExpiredId = define(MetricType.Gauge, 'wasmcustom_hfi_lease_expired');
  leaseExpiriesId = define(MetricType.Counter, 'wasmcustom_hfi_lease_expiries_total');
  epochChangesId = define(MetricType.Counter, 'wasmcustom_hfi_epoch_changes_total');
  overMaxActiveId = define(MetricType.Counter, 'wasmcustom_hfi_faults_over_max_active_total');
  resetsId = define(MetricType.Counter, 'wasmcustom_hfi_faults_resets_total');
  overridesIgnoredId = define(MetricType.Counter, 'wasmcustom_hfi_overrides_ignored_total');
}

function increment(id: u32): void {
  if (defined && id != 0) proxy_increment_metric(id, 1);
}

export function countAbort(): void {
  increment(abortsId);
}

export function countDelay(durationMs: i64): void {
  increment(delaysId);
  if (defined && delayDurationId != 0 && durationMs > 0) proxy_record_metric(delayDurationId, <u64>durationMs);
}

export function countRuleSetUpdate(): void {
  increment(updatesId);
}

export function countControlPlaneError(): void {
  increment(errorsId);
}

/** Delayed requests let go early because their rule stopped applying. */
export function countReleased(n: i32): void {
  if (defined && releasedId != 0 && n > 0) proxy_increment_metric(releasedId, n);
}

/** The gauges count worker VMs in a state (Envoy shares one stat between them): +1 on entering it, -1 on leaving. */
function step(id: u32, entering: bool): void {
  if (defined && id != 0) proxy_increment_metric(id, entering ? 1 : -1);
}

export function countHalted(entering: bool): void {
  step(haltedId, entering);
}

export function countLeaseExpired(entering: bool): void {
  step(leaseExpiredId, entering);
  if (entering) increment(leaseExpiriesId);
}

export function countEpochChange(): void {
  increment(epochChangesId);
}

/** A request passed because its rule already held fault.maxActive requests. */
export function countOverMaxActive(): void {
  increment(overMaxActiveId);
}

/** A stream was reset by a fault. */
export function countReset(): void {
  increment(resetsId);
}

/** A request override header the matched rule's policy does not allow (out of bounds, not a number). */
export function countOverrideIgnored(): void {
  increment(overridesIgnoredId);
}
