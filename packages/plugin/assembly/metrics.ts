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
