// The import set Envoy links for each ABI version and the export signatures it insists on.
// Source: proxy-wasm-cpp-host include/proxy-wasm/exports.h, src/wasm.cc registerCallbacks/getFunctions,
// and Envoy's extensions/common/wasm/wasm.cc (env.envoy_resolve_dns). See docs/proxy-host.md.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export interface FuncSig {
  params: ValType[];
  results: ValType[];
}
export type AbiVersion = '0.1.0' | '0.2.0' | '0.2.1';

/** How V8 prints a value-type list in Envoy's errors: space separated, or "void". */
function typesText(types: readonly ValType[]): string {
  return types.length === 0 ? 'void' : types.join(' ');
}
export function sigText(sig: FuncSig): string {
  return `${typesText(sig.params)} -> ${typesText(sig.results)}`;
}
export function sameSig(a: FuncSig, b: FuncSig): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  );
}

function sig(params: number | ValType[], results: ValType[] = ['i32']): FuncSig {
  return { params: typeof params === 'number' ? Array<ValType>(params).fill('i32') : params, results };
}

/** `env.proxy_*` functions present in every ABI version (FOR_ALL_HOST_FUNCTIONS). */
const COMMON_ENV: Record<string, FuncSig> = {
  proxy_log: sig(3),
  proxy_get_status: sig(3),
  proxy_set_property: sig(4),
  proxy_get_property: sig(4),
  proxy_send_local_response: sig(8),
  proxy_get_shared_data: sig(5),
  proxy_set_shared_data: sig(5),
  proxy_register_shared_queue: sig(3),
  proxy_resolve_shared_queue: sig(5),
  proxy_dequeue_shared_queue: sig(3),
  proxy_enqueue_shared_queue: sig(3),
  proxy_get_header_map_value: sig(5),
  proxy_add_header_map_value: sig(5),
  proxy_replace_header_map_value: sig(5),
  proxy_remove_header_map_value: sig(3),
  proxy_get_header_map_pairs: sig(3),
  proxy_set_header_map_pairs: sig(3),
  proxy_get_header_map_size: sig(2),
  proxy_get_buffer_status: sig(3),
  proxy_get_buffer_bytes: sig(5),
  proxy_set_buffer_bytes: sig(5),
  proxy_http_call: sig(10),
  proxy_grpc_call: sig(12),
  proxy_grpc_stream: sig(9),
  proxy_grpc_close: sig(1),
  proxy_grpc_cancel: sig(1),
  proxy_grpc_send: sig(4),
  proxy_set_tick_period_milliseconds: sig(1),
  proxy_get_current_time_nanoseconds: sig(1),
  proxy_define_metric: sig(4),
  proxy_increment_metric: sig(['i32', 'i64']),
  proxy_record_metric: sig(['i32', 'i64']),
  proxy_get_metric: sig(2),
  proxy_set_effective_context: sig(1),
  proxy_done: sig(0),
  proxy_call_foreign_function: sig(6),
  pthread_equal: sig(2),
  emscripten_notify_memory_growth: sig(1, []),
  envoy_resolve_dns: sig(3),
};

const ABI_ENV: Record<AbiVersion, Record<string, FuncSig>> = {
  '0.1.0': {
    proxy_get_configuration: sig(2),
    proxy_continue_request: sig(0),
    proxy_continue_response: sig(0),
    proxy_clear_route_cache: sig(0),
  },
  '0.2.0': { proxy_continue_stream: sig(1), proxy_close_stream: sig(1) },
  '0.2.1': { proxy_continue_stream: sig(1), proxy_close_stream: sig(1), proxy_get_log_level: sig(1) },
};

/** The 2021 WASI set (cpp-host f383473), registered under wasi_snapshot_preview1 and wasi_unstable. */
export const WASI_FUNCTIONS: Record<string, FuncSig> = {
  fd_write: sig(4),
  fd_read: sig(4),
  fd_seek: sig(['i32', 'i64', 'i32', 'i32']),
  fd_close: sig(1),
  fd_fdstat_get: sig(2),
  environ_get: sig(2),
  environ_sizes_get: sig(2),
  args_get: sig(2),
  args_sizes_get: sig(2),
  clock_time_get: sig(['i32', 'i64', 'i32']),
  random_get: sig(2),
  proc_exit: sig(1, []),
  path_open: sig(['i32', 'i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32', 'i32']),
  fd_prestat_get: sig(2),
  fd_prestat_dir_name: sig(3),
};
const WASI_MODULES = ['wasi_snapshot_preview1', 'wasi_unstable'] as const;

/** Every host function a module of this ABI may import, keyed `module.name`. */
export function hostImportTable(abi: AbiVersion): Map<string, FuncSig> {
  const table = new Map<string, FuncSig>();
  for (const [name, s] of Object.entries({ ...COMMON_ENV, ...ABI_ENV[abi] })) table.set(`env.${name}`, s);
  for (const mod of WASI_MODULES) {
    for (const [name, s] of Object.entries(WASI_FUNCTIONS)) table.set(`${mod}.${name}`, s);
  }
  return table;
}

/** Exports Envoy looks up, with the signature it requires when present. */
export function expectedExports(abi: AbiVersion): Map<string, FuncSig> {
  const headers = abi === '0.1.0' ? 2 : 3;
  const v = (n: number) => sig(n, []);
  const w = (n: number) => sig(n);
  const entries: [string, FuncSig][] = [
    ['_initialize', v(0)],
    ['_start', v(0)],
    ['main', w(2)],
    ['__main_void', w(0)],
    ['malloc', w(1)],
    ['proxy_on_memory_allocate', w(1)],
    ['proxy_validate_configuration', w(2)],
    ['proxy_on_vm_start', w(2)],
    ['proxy_on_configure', w(2)],
    ['proxy_on_tick', v(1)],
    ['proxy_on_context_create', v(2)],
    ['proxy_on_new_connection', w(1)],
    ['proxy_on_downstream_data', w(3)],
    ['proxy_on_upstream_data', w(3)],
    ['proxy_on_downstream_connection_close', v(2)],
    ['proxy_on_upstream_connection_close', v(2)],
    ['proxy_on_request_headers', w(headers)],
    ['proxy_on_request_body', w(3)],
    ['proxy_on_request_trailers', w(2)],
    ['proxy_on_request_metadata', w(2)],
    ['proxy_on_response_headers', w(headers)],
    ['proxy_on_response_body', w(3)],
    ['proxy_on_response_trailers', w(2)],
    ['proxy_on_response_metadata', w(2)],
    ['proxy_on_http_call_response', v(5)],
    ['proxy_on_grpc_receive_initial_metadata', v(3)],
    ['proxy_on_grpc_receive_trailing_metadata', v(3)],
    ['proxy_on_grpc_receive', v(3)],
    ['proxy_on_grpc_close', v(3)],
    ['proxy_on_queue_ready', v(2)],
    ['proxy_on_done', w(1)],
    ['proxy_on_log', v(1)],
    ['proxy_on_delete', v(1)],
  ];
  if (abi !== '0.1.0') entries.push(['proxy_on_foreign_function', v(3)]);
  return new Map(entries);
}

/** Functions callable while `_initialize` / `_start` run (V8's isHostFunctionAllowed). */
export function allowedDuringStart(qualifiedName: string): boolean {
  if (qualifiedName === 'env.proxy_log' || qualifiedName === 'env.emscripten_notify_memory_growth') return true;
  return qualifiedName.startsWith('wasi_snapshot_preview1.') || qualifiedName.startsWith('wasi_unstable.');
}

export const ABI_MARKERS: Record<string, AbiVersion> = {
  proxy_abi_version_0_1_0: '0.1.0',
  proxy_abi_version_0_2_0: '0.2.0',
  proxy_abi_version_0_2_1: '0.2.1',
};
