// The proxy_*_buffer_* functions: bodies, the http_call response body, VM and plugin configuration
// (each readable only in the callbacks Envoy allows), and ABI 0.1.0's proxy_get_configuration.
import { BufferType, WasmResult as R } from '../abi/status.js';
import { RootContext, StreamContext } from '../context.js';
import type { WasmVm } from '../vm.js';
import { type HostFunctions, unsigned } from './host-function.js';

export function bufferFunctions(vm: WasmVm): HostFunctions {
  /** The buffer of that type in the effective context, or null when it is not available there now. */
  const buffer = (type: number): Uint8Array | null => {
    const c = vm.effective;
    switch (type) {
      case BufferType.HttpRequestBody:
      case BufferType.HttpResponseBody:
        return c instanceof StreamContext ? c.bodyBuffer(type) : null;
      case BufferType.HttpCallResponseBody:
        return c instanceof RootContext && c.httpCallResponse ? c.httpCallResponse.body : null;
      case BufferType.VmConfiguration:
        return c instanceof RootContext && c.vmConfigAvailable ? vm.config.vmConfig : null;
      case BufferType.PluginConfiguration:
        return c instanceof RootContext && c.pluginConfigAvailable ? vm.config.pluginConfig : null;
      default:
        return null;
    }
  };

  return {
    'env.proxy_get_buffer_status': (type: number, lenPtr: number, flagsPtr: number) => {
      if (unsigned(type) > BufferType.Max) return R.BadArgument;
      const buf = buffer(type);
      if (!buf) return R.NotFound;
      return vm.writeU32(lenPtr, buf.length) && vm.writeU32(flagsPtr, 0) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_get_buffer_bytes': (type: number, start: number, length: number, ptrPtr: number, sizePtr: number) => {
      if (unsigned(type) > BufferType.Max) return R.BadArgument;
      if (unsigned(start) + unsigned(length) > 0xffffffff) return R.BadArgument;
      const buf = buffer(type);
      if (!buf) return R.NotFound;
      const from = Math.min(unsigned(start), buf.length);
      return vm.copyOut(buf.subarray(from, Math.min(buf.length, from + unsigned(length))), ptrPtr, sizePtr);
    },
    'env.proxy_set_buffer_bytes': (type: number, start: number, length: number, dataPtr: number, dataLen: number) => {
      if (unsigned(type) > BufferType.Max) return R.BadArgument;
      const c = vm.effective;
      if (type !== BufferType.HttpRequestBody && type !== BufferType.HttpResponseBody) {
        return buffer(type) ? R.BadArgument : R.NotFound;
      }
      if (!(c instanceof StreamContext)) return R.NotFound;
      const buf = c.bodyBuffer(type);
      if (!buf) return R.NotFound;
      const data = vm.read(dataPtr, dataLen);
      if (data === null) return R.InvalidMemoryAccess;
      // Envoy Buffer::copyFrom: start 0 drains `length` bytes then prepends; start >= size appends.
      if (unsigned(start) === 0) {
        const rest = buf.subarray(Math.min(unsigned(length), buf.length));
        const out = new Uint8Array(data.length + rest.length);
        out.set(data, 0);
        out.set(rest, data.length);
        c.setBodyBuffer(type, out);
        return R.Ok;
      }
      if (unsigned(start) >= buf.length) {
        const out = new Uint8Array(buf.length + data.length);
        out.set(buf, 0);
        out.set(data, buf.length);
        c.setBodyBuffer(type, out);
        return R.Ok;
      }
      return R.BadArgument;
    },
    'env.proxy_get_configuration': (ptrPtr: number, sizePtr: number) => {
      const buf = buffer(BufferType.PluginConfiguration);
      if (!buf) return R.NotFound;
      return vm.copyOut(buf, ptrPtr, sizePtr);
    },
  };
}
