// proxy_log and proxy_get_log_level.
import { WasmResult as R } from '../abi/status.js';
import type { WasmVm } from '../vm.js';
import { type HostFunctions, unsigned } from './host-function.js';

export function loggingFunctions(vm: WasmVm): HostFunctions {
  return {
    'env.proxy_log': (level: number, ptr: number, len: number) => {
      if (unsigned(level) > 5) return R.BadArgument;
      const msg = vm.readString(ptr, len);
      if (msg === null) return R.InvalidMemoryAccess;
      vm.services.log(level, msg, vm.worker);
      return R.Ok;
    },
    'env.proxy_get_log_level': (ptr: number) => (vm.writeU32(ptr, vm.config.logLevel) ? R.Ok : R.InvalidMemoryAccess),
  };
}
