// proxy_define_metric, proxy_increment_metric, proxy_record_metric, proxy_get_metric: Envoy's rules per
// metric kind over the process-wide stats (ids and stats live in ../metrics.ts).
import { MetricType, WasmResult as R } from '../abi/status.js';
import { StatsStore } from '../metrics.js';
import type { WasmVm } from '../vm.js';
import { type HostFunctions, unsigned } from './host-function.js';

export function metricFunctions(vm: WasmVm): HostFunctions {
  return {
    'env.proxy_define_metric': (type: number, namePtr: number, nameLen: number, idPtr: number) => {
      if (unsigned(type) > MetricType.Histogram) return R.BadArgument;
      const name = vm.readString(namePtr, nameLen);
      if (name === null) return R.InvalidMemoryAccess;
      const id = vm.metricIds.define(unsigned(type), name);
      if (id === null) return R.BadArgument;
      return vm.writeU32(idPtr, id) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_increment_metric': (id: number, offset: bigint) => {
      const stat = vm.metricIds.lookup(unsigned(id));
      if (!stat) return R.NotFound;
      if (stat.kind === 'counter') {
        if (offset <= 0n) return R.BadArgument;
        stat.value += offset;
        return R.Ok;
      }
      if (stat.kind === 'gauge') {
        stat.value += offset;
        return R.Ok;
      }
      return R.BadArgument;
    },
    'env.proxy_record_metric': (id: number, value: bigint) => {
      const stat = vm.metricIds.lookup(unsigned(id));
      if (!stat) return R.NotFound;
      const v = BigInt.asUintN(64, value);
      if (stat.kind === 'counter')
        stat.value += v; // Envoy adds: record on a counter does not set it
      else if (stat.kind === 'gauge') stat.value = v;
      else StatsStore.recordSample(stat, Number(v));
      return R.Ok;
    },
    'env.proxy_get_metric': (id: number, resultPtr: number) => {
      const stat = vm.metricIds.lookup(unsigned(id));
      if (!stat) return R.NotFound;
      if (stat.kind === 'histogram') return R.BadArgument;
      return vm.writeU64(resultPtr, stat.value) ? R.Ok : R.InvalidMemoryAccess;
    },
  };
}
