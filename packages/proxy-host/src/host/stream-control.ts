// Driving streams from the module: continue, close, a local reply (all after-call actions, as in Envoy),
// the effective context a root callback acts on, and the ABI 0.1.0 spellings.
import { WasmResult as R, StreamType } from '../abi/status.js';
import { type LocalReply, StreamContext } from '../context.js';
import type { WasmVm } from '../vm.js';
import { readGuestPairs, withLowerCaseNames } from './guest-pairs.js';
import { type HostFunctions, unsigned } from './host-function.js';

export function streamControlFunctions(vm: WasmVm): HostFunctions {
  const streamContinue = (type: number, close: boolean): number => {
    if (type > StreamType.Upstream) return R.BadArgument;
    if (type === StreamType.Upstream) return R.Unimplemented;
    const c = vm.effective;
    if (type === StreamType.Downstream || !(c instanceof StreamContext)) return R.Ok;
    const dir = type === StreamType.Request ? 'request' : 'response';
    vm.defer(() => (close ? c.closeStream() : c.continueStream(dir)));
    return R.Ok;
  };

  return {
    'env.proxy_continue_stream': (type: number) => streamContinue(unsigned(type), false),
    'env.proxy_close_stream': (type: number) => streamContinue(unsigned(type), true),
    'env.proxy_continue_request': () => streamContinue(StreamType.Request, false),
    'env.proxy_continue_response': () => streamContinue(StreamType.Response, false),
    'env.proxy_send_local_response': (
      status: number,
      detailsPtr: number,
      detailsLen: number,
      bodyPtr: number,
      bodyLen: number,
      hdrPtr: number,
      hdrLen: number,
      grpcStatus: number,
    ) => {
      const details = vm.readString(detailsPtr, detailsLen);
      const body = vm.readString(bodyPtr, bodyLen);
      const headers = readGuestPairs(vm, hdrPtr, hdrLen);
      if (details === null || body === null) return R.InvalidMemoryAccess;
      if (headers === null) return R.SerializationFailure;
      const c = vm.effective;
      // From a root context there are no decoder callbacks: nothing happens, and the answer is still Ok.
      if (!(c instanceof StreamContext)) return R.Ok;
      const grpc = grpcStatus | 0;
      const reply: LocalReply = {
        status: unsigned(status),
        body,
        headers: withLowerCaseNames(headers),
        details: details.replace(/\s/g, '_'),
        grpcStatus: grpc >= 0 && grpc <= 16 ? grpc : -1,
      };
      vm.defer(() => c.sendLocalReply(reply));
      return R.Ok;
    },
    'env.proxy_clear_route_cache': () => R.Ok,
    'env.proxy_set_effective_context': (id: number) => {
      const target = vm.contexts.get(unsigned(id));
      if (!target) return R.BadArgument;
      vm.effective = target;
      return R.Ok;
    },
    'env.proxy_done': () => R.NotFound,
  };
}
