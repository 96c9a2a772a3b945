// proxy_get_shared_data and proxy_set_shared_data: one key-value store for all VMs, with CAS.
import { WasmResult as R } from '../abi/status.js';
import type { WasmVm } from '../vm.js';
import { type HostFunctions, unsigned } from './host-function.js';

export function sharedDataFunctions(vm: WasmVm): HostFunctions {
  return {
    'env.proxy_get_shared_data': (keyPtr: number, keyLen: number, valPtrPtr: number, valSizePtr: number, casPtr: number) => {
      const key = vm.readString(keyPtr, keyLen);
      if (key === null) return R.InvalidMemoryAccess;
      const entry = vm.services.sharedData.get(key);
      if (!entry) return R.NotFound;
      const res = vm.copyOut(entry.value, valPtrPtr, valSizePtr);
      if (res !== R.Ok) return res;
      return vm.writeU32(casPtr, entry.cas) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_set_shared_data': (keyPtr: number, keyLen: number, valPtr: number, valLen: number, cas: number) => {
      const key = vm.readString(keyPtr, keyLen);
      const value = vm.read(valPtr, valLen);
      if (key === null || value === null) return R.InvalidMemoryAccess;
      const entry = vm.services.sharedData.get(key);
      if (unsigned(cas) !== 0 && entry && entry.cas !== unsigned(cas)) return R.CasMismatch;
      vm.services.sharedData.set(key, { value, cas: (entry?.cas ?? 0) + 1 });
      return R.Ok;
    },
  };
}
