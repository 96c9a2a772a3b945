// proxy_http_call (attached to the root context, answered from the event loop) and proxy_get_status,
// which reports how the last call ended.
import { WasmResult as R } from '../abi/status.js';
import { type HttpCallRequest, timeoutResponse } from '../http-call.js';
import type { WasmVm } from '../vm.js';
import { readGuestPairs, withLowerCaseNames } from './guest-pairs.js';
import { type HostFunctions, unsigned } from './host-function.js';

export function httpCallFunctions(vm: WasmVm): HostFunctions {
  return {
    'env.proxy_http_call': (
      upPtr: number,
      upLen: number,
      hdrPtr: number,
      hdrLen: number,
      bodyPtr: number,
      bodyLen: number,
      trlPtr: number,
      trlLen: number,
      timeoutMs: number,
      tokenPtr: number,
    ) => {
      const clusterName = vm.readString(upPtr, upLen);
      const body = vm.read(bodyPtr, bodyLen);
      if (clusterName === null || body === null) return R.InvalidMemoryAccess;
      const headers = readGuestPairs(vm, hdrPtr, hdrLen);
      const trailers = readGuestPairs(vm, trlPtr, trlLen);
      if (headers === null || trailers === null) return R.SerializationFailure;
      if ((timeoutMs | 0) < 0) return R.BadArgument;
      const cluster = vm.services.clusters.get(clusterName);
      if (!cluster) return R.BadArgument;
      const lower = withLowerCaseNames(headers);
      // The first of each, in one pass (every poll comes through here).
      let method: string | undefined;
      let path: string | undefined;
      let authority: string | undefined;
      let hasLength = false;
      for (const [name, value] of lower) {
        if (name === ':method') method ??= value;
        else if (name === ':path') path ??= value;
        else if (name === ':authority') authority ??= value;
        else if (name === 'content-length') hasLength = true;
      }
      if (!method || !path || !authority) return R.BadArgument;
      if (body.length > 0 && !hasLength) lower.push(['content-length', String(body.length)]);
      const root = vm.effective.root;
      if (!root) return R.BadArgument;
      const token = vm.registerHttpCall();
      if (!vm.writeU32(tokenPtr, token)) return R.InvalidMemoryAccess;
      const request: HttpCallRequest = {
        cluster: clusterName,
        method,
        path,
        authority,
        headers: lower,
        body,
        trailers: withLowerCaseNames(trailers),
        timeoutMs: unsigned(timeoutMs),
      };
      const scheduler = vm.services.scheduler;
      const entry = { rootId: root.id, cancel: () => {}, timer: null as null | { cancel(): void } };
      vm.httpCalls.set(token, entry);
      // Never delivered inside proxy_http_call itself: the answer arrives from the event loop.
      const handle = cluster.send(request, (outcome) => {
        scheduler.setTimer(0, () => vm.deliverHttpCall(token, outcome));
      });
      entry.cancel = () => handle.cancel();
      if (request.timeoutMs > 0) {
        entry.timer = scheduler.setTimer(request.timeoutMs, () => {
          handle.cancel();
          vm.deliverHttpCall(token, { kind: 'response', response: timeoutResponse() });
        });
      }
      return R.Ok;
    },
    'env.proxy_get_status': (codePtr: number, msgPtrPtr: number, msgSizePtr: number) => {
      const c = vm.effective.root ?? vm.effective;
      if (!vm.writeU32(codePtr, c.status.code)) return R.InvalidMemoryAccess;
      return vm.copyOutString(c.status.message, msgPtrPtr, msgSizePtr);
    },
  };
}
