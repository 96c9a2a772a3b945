// Imports Envoy links whose features this host leaves out (gRPC, shared queues, foreign functions, DNS),
// answered with the codes Envoy gives, and the two env functions Emscripten's runtime imports.
import { WasmResult as R } from '../abi/status.js';
import type { HostFunctions } from './host-function.js';

export const stubFunctions: HostFunctions = {
  'env.proxy_register_shared_queue': () => R.Unimplemented,
  'env.proxy_resolve_shared_queue': () => R.Unimplemented,
  'env.proxy_dequeue_shared_queue': () => R.Unimplemented,
  'env.proxy_enqueue_shared_queue': () => R.Unimplemented,
  'env.proxy_grpc_call': () => R.Unimplemented,
  'env.proxy_grpc_stream': () => R.Unimplemented,
  'env.proxy_grpc_close': () => R.NotFound,
  'env.proxy_grpc_cancel': () => R.NotFound,
  'env.proxy_grpc_send': () => R.NotFound,
  'env.proxy_call_foreign_function': () => R.NotFound,
  'env.envoy_resolve_dns': () => R.Unimplemented,
  'env.pthread_equal': (a: number, b: number) => (a === b ? 1 : 0),
  'env.emscripten_notify_memory_growth': () => undefined,
};
