// proxy_get_property and proxy_set_property: Envoy's attributes, plus what the module set in filter state.
import { WasmResult as R } from '../abi/status.js';
import { StreamContext } from '../context.js';
import { encodeProperty, resolveProperty, splitPath } from '../properties.js';
import { buildPropertyTree } from '../property-tree.js';
import type { WasmVm } from '../vm.js';
import type { HostFunctions } from './host-function.js';

export function propertyFunctions(vm: WasmVm): HostFunctions {
  return {
    'env.proxy_set_property': (pathPtr: number, pathLen: number, valPtr: number, valLen: number) => {
      const path = vm.read(pathPtr, pathLen);
      const value = vm.read(valPtr, valLen);
      if (path === null || value === null) return R.InvalidMemoryAccess;
      const c = vm.effective;
      if (!(c instanceof StreamContext)) return R.NotFound;
      c.filterState.set(`wasm.${Buffer.from(path).toString('utf8')}`, value);
      return R.Ok;
    },
    'env.proxy_get_property': (pathPtr: number, pathLen: number, valPtrPtr: number, valSizePtr: number) => {
      const path = vm.read(pathPtr, pathLen);
      if (path === null) return R.InvalidMemoryAccess;
      const segments = splitPath(path);
      const c = vm.effective;
      let value = resolveProperty(buildPropertyTree(vm, c), segments);
      if (value === undefined && segments.length === 1) value = c.filterStateValue(`wasm.${segments[0]}`);
      if (value === undefined) return R.NotFound;
      return vm.copyOut(encodeProperty(value), valPtrPtr, valSizePtr);
    },
  };
}
