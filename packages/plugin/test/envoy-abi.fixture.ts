// Envoy's host function set and the callback signatures it insists on (docs/envoy-facts.md E1, E2, E4),
// from proxy-wasm-cpp-host include/proxy-wasm/exports.h and wasm.h at 52a0291.
// wasm32: Word = i32, int64/uint64 = i64.

const i = 'i32';
const I = 'i64';
const sig = (params: string, results = 'i32'): string => `(${params}) -> ${results}`;
const n = (count: number): string => Array.from({ length: count }, () => i).join(', ');

/** Every import Envoy links for an ABI 0.2.1 module, under module "env". */
export const ENVOY_ENV_IMPORTS: Record<string, string> = {
  proxy_log: sig(n(3)),
  proxy_get_status: sig(n(3)),
  proxy_set_property: sig(n(4)),
  proxy_get_property: sig(n(4)),
  proxy_send_local_response: sig(n(8)),
  proxy_get_shared_data: sig(n(5)),
  proxy_set_shared_data: sig(n(5)),
  proxy_register_shared_queue: sig(n(3)),
  proxy_resolve_shared_queue: sig(n(5)),
  proxy_dequeue_shared_queue: sig(n(3)),
  proxy_enqueue_shared_queue: sig(n(3)),
  proxy_get_header_map_value: sig(n(5)),
  proxy_add_header_map_value: sig(n(5)),
  proxy_replace_header_map_value: sig(n(5)),
  proxy_remove_header_map_value: sig(n(3)),
  proxy_get_header_map_pairs: sig(n(3)),
  proxy_set_header_map_pairs: sig(n(3)),
  proxy_get_header_map_size: sig(n(2)),
  proxy_get_buffer_status: sig(n(3)),
  proxy_get_buffer_bytes: sig(n(5)),
  proxy_set_buffer_bytes: sig(n(5)),
  proxy_http_call: sig(n(10)),
  proxy_grpc_call: sig(n(12)),
  proxy_grpc_stream: sig(n(9)),
  proxy_grpc_close: sig(n(1)),
  proxy_grpc_cancel: sig(n(1)),
  proxy_grpc_send: sig(n(4)),
  proxy_set_tick_period_milliseconds: sig(n(1)),
  proxy_get_current_time_nanoseconds: sig(n(1)),
  proxy_define_metric: sig(n(4)),
  proxy_increment_metric: sig(`${i}, ${I}`),
  proxy_record_metric: sig(`${i}, ${I}`),
  proxy_get_metric: sig(n(2)),
  proxy_set_effective_context: sig(n(1)),
  proxy_done: sig(''),
  proxy_call_foreign_function: sig(n(6)),
  proxy_continue_stream: sig(n(1)),
  proxy_close_stream: sig(n(1)),
  proxy_get_log_level: sig(n(1)),
  pthread_equal: sig(n(2)),
  emscripten_notify_memory_growth: sig(n(1), 'void'),
  envoy_resolve_dns: sig(n(3)),
};

/** The 2021 WASI subset every Envoy/Istio in use links (cpp-host f383473), under both module names. */
export const ENVOY_WASI_IMPORTS: Record<string, string> = {
  fd_write: sig(n(4)),
  fd_read: sig(n(4)),
  fd_seek: sig(`${i}, ${I}, ${i}, ${i}`),
  fd_close: sig(n(1)),
  fd_fdstat_get: sig(n(2)),
  environ_get: sig(n(2)),
  environ_sizes_get: sig(n(2)),
  args_get: sig(n(2)),
  args_sizes_get: sig(n(2)),
  clock_time_get: sig(`${i}, ${I}, ${i}`),
  random_get: sig(n(2)),
  proc_exit: sig(n(1), 'void'),
  path_open: sig(`${i}, ${i}, ${i}, ${i}, ${i}, ${I}, ${I}, ${i}, ${i}`),
  fd_prestat_get: sig(n(2)),
  fd_prestat_dir_name: sig(n(3)),
};

export const WASI_MODULES = ['wasi_snapshot_preview1', 'wasi_unstable'];

/** Imports that exist only for ABI 0.1.0 and make an ABI 0.2.x module fail to load. */
export const ABI_010_ONLY = ['proxy_get_configuration', 'proxy_continue_request', 'proxy_continue_response', 'proxy_clear_route_cache'];

/** Callbacks Envoy looks up, with the signature it requires (a mismatch fails the VM). */
export const ENVOY_CALLBACKS: Record<string, string> = {
  _initialize: sig('', 'void'),
  malloc: sig(n(1)),
  proxy_on_memory_allocate: sig(n(1)),
  proxy_validate_configuration: sig(n(2)),
  proxy_on_vm_start: sig(n(2)),
  proxy_on_configure: sig(n(2)),
  proxy_on_tick: sig(n(1), 'void'),
  proxy_on_context_create: sig(n(2), 'void'),
  proxy_on_request_headers: sig(n(3)),
  proxy_on_request_body: sig(n(3)),
  proxy_on_request_trailers: sig(n(2)),
  proxy_on_request_metadata: sig(n(2)),
  proxy_on_response_headers: sig(n(3)),
  proxy_on_response_body: sig(n(3)),
  proxy_on_response_trailers: sig(n(2)),
  proxy_on_response_metadata: sig(n(2)),
  proxy_on_http_call_response: sig(n(5), 'void'),
  proxy_on_grpc_receive: sig(n(3), 'void'),
  proxy_on_grpc_close: sig(n(3), 'void'),
  proxy_on_grpc_receive_initial_metadata: sig(n(3), 'void'),
  proxy_on_grpc_receive_trailing_metadata: sig(n(3), 'void'),
  proxy_on_queue_ready: sig(n(2), 'void'),
  proxy_on_foreign_function: sig(n(3), 'void'),
  proxy_on_new_connection: sig(n(1)),
  proxy_on_downstream_data: sig(n(3)),
  proxy_on_upstream_data: sig(n(3)),
  proxy_on_downstream_connection_close: sig(n(2), 'void'),
  proxy_on_upstream_connection_close: sig(n(2), 'void'),
  proxy_on_done: sig(n(1)),
  proxy_on_log: sig(n(1), 'void'),
  proxy_on_delete: sig(n(1), 'void'),
};
