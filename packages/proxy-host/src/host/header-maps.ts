// The proxy_*_header_map_* functions over the stream's maps and the http_call response's (read-only).
// proxy_get_header_map_value is on every request's path: no allocation beyond the value copied out.
import { encodePairs } from '../abi/pairs.js';
import { MapType, WasmResult as R } from '../abi/status.js';
import { RootContext, StreamContext } from '../context.js';
import { HeaderMap } from '../header-map.js';
import type { WasmVm } from '../vm.js';
import { readGuestPairs } from './guest-pairs.js';
import { type HostFunctions, unsigned } from './host-function.js';

export function headerMapFunctions(vm: WasmVm): HostFunctions {
  /** The map of that type in the effective context, or null when it has none (or it is read-only). */
  const headerMap = (type: number, mutable: boolean): HeaderMap | null => {
    const c = vm.effective;
    if (type === MapType.HttpCallResponseHeaders || type === MapType.HttpCallResponseTrailers) {
      if (mutable || !(c instanceof RootContext) || !c.httpCallResponse) return null;
      const pairs = type === MapType.HttpCallResponseHeaders ? c.httpCallResponse.headers : c.httpCallResponse.trailers;
      return pairs ? new HeaderMap(pairs) : null;
    }
    return c instanceof StreamContext ? c.headerMap(type) : null;
  };

  /** proxy_add_header_map_value, or with `replace` proxy_replace_header_map_value. */
  const writeValue = (type: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number, replace: boolean): number => {
    if (unsigned(type) > MapType.Max) return R.BadArgument;
    const map = headerMap(type, true);
    if (!map) return R.BadArgument;
    const key = vm.readString(keyPtr, keyLen);
    const value = vm.readString(valPtr, valLen);
    if (key === null || value === null) return R.InvalidMemoryAccess;
    if (replace) map.replace(key, value);
    else map.add(key, value);
    return R.Ok;
  };

  return {
    'env.proxy_get_header_map_value': (type: number, keyPtr: number, keyLen: number, valPtrPtr: number, valSizePtr: number) => {
      if (unsigned(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, false);
      if (!map) return R.BadArgument;
      const key = vm.readString(keyPtr, keyLen);
      if (key === null) return R.InvalidMemoryAccess;
      const value = map.get(key);
      if (value === undefined) return R.NotFound;
      return vm.copyOutString(value, valPtrPtr, valSizePtr);
    },
    'env.proxy_add_header_map_value': (type: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number) =>
      writeValue(type, keyPtr, keyLen, valPtr, valLen, false),
    'env.proxy_replace_header_map_value': (type: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number) =>
      writeValue(type, keyPtr, keyLen, valPtr, valLen, true),
    'env.proxy_remove_header_map_value': (type: number, keyPtr: number, keyLen: number) => {
      if (unsigned(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, true);
      if (!map) return R.BadArgument;
      const key = vm.readString(keyPtr, keyLen);
      if (key === null) return R.InvalidMemoryAccess;
      map.remove(key);
      return R.Ok;
    },
    'env.proxy_get_header_map_pairs': (type: number, ptrPtr: number, sizePtr: number) => {
      if (unsigned(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, false);
      if (!map) return R.BadArgument;
      return vm.copyOut(encodePairs(map.entries()), ptrPtr, sizePtr);
    },
    'env.proxy_set_header_map_pairs': (type: number, ptr: number, size: number) => {
      if (unsigned(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, true);
      if (!map) return R.BadArgument;
      const pairs = readGuestPairs(vm, ptr, size);
      if (pairs === null) return R.SerializationFailure;
      map.setAll(pairs);
      return R.Ok;
    },
    'env.proxy_get_header_map_size': (type: number, sizePtr: number) => {
      if (unsigned(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, false);
      if (!map) return R.BadArgument;
      // Envoy answers byteSize(), not the number of headers.
      return vm.writeU32(sizePtr, map.byteSize()) ? R.Ok : R.InvalidMemoryAccess;
    },
  };
}
