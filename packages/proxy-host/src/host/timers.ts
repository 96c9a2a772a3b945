// The tick timer of a root context and the wall clock (proxy_get_current_time_nanoseconds).
import { WasmResult as R } from '../abi/status.js';
import type { WasmVm } from '../vm.js';
import { type HostFunctions, unsigned } from './host-function.js';

/** Epoch nanoseconds from epoch ms: whole milliseconds (the real clock) need one BigInt; fractions (simulated clocks) two. */
export function epochNanoseconds(ms: number): bigint {
  return Number.isInteger(ms) ? BigInt(ms) * 1_000_000n : BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6));
}

export function timerFunctions(vm: WasmVm): HostFunctions {
  return {
    'env.proxy_set_tick_period_milliseconds': (period: number) => {
      const root = vm.effective.root;
      if (!root) return R.BadArgument;
      vm.setTickPeriod(root, unsigned(period));
      return R.Ok;
    },
    'env.proxy_get_current_time_nanoseconds': (ptr: number) =>
      vm.writeU64(ptr, epochNanoseconds(vm.services.scheduler.now())) ? R.Ok : R.InvalidMemoryAccess,
  };
}
