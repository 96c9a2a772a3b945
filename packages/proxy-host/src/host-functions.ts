// The host side of every import Envoy offers (cpp-host src/exports.cc + Envoy context.cc semantics).
// Keys are `module.name`; WASI functions are keyed `wasi.<name>` and linked under both WASI module names.
import { decodePairs, encodePairs, type HeaderPair } from './abi/pairs.js';
import { BufferType, MapType, MetricType, StreamType, WasiErrno, WasmResult } from './abi/status.js';
import { type ContextBase, RootContext, StreamContext } from './context.js';
import { HeaderMap } from './header-map.js';
import { type HttpCallRequest, timeoutResponse } from './http-call.js';
import { StatsStore } from './metrics.js';
import { encodeProperty, resolveProperty, splitPath } from './properties.js';
import { buildPropertyTree } from './property-tree.js';
import type { WasmVm } from './vm.js';

// biome-ignore lint/suspicious/noExplicitAny: one table holds host functions of every ABI signature
// biome-ignore lint/suspicious/noConfusingVoidType: host functions without a result return nothing
type HostFn = (...args: any[]) => number | void;

const MAX_RANDOM_BYTES = 64 * 1024;

export function buildHostFunctions(vm: WasmVm): Record<string, HostFn> {
  const R = WasmResult;
  const ctx = (): ContextBase => vm.effective;
  const u = (n: number) => n >>> 0;

  const headerMap = (type: number, mutable: boolean): HeaderMap | null => {
    const c = ctx();
    if (type === MapType.HttpCallResponseHeaders || type === MapType.HttpCallResponseTrailers) {
      if (mutable || !(c instanceof RootContext) || !c.httpCallResponse) return null;
      const pairs = type === MapType.HttpCallResponseHeaders ? c.httpCallResponse.headers : c.httpCallResponse.trailers;
      return pairs ? new HeaderMap(pairs) : null;
    }
    return c instanceof StreamContext ? c.headerMap(type) : null;
  };

  const buffer = (type: number): Uint8Array | null => {
    const c = ctx();
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

  const readPairs = (ptr: number, len: number): HeaderPair[] | null => {
    const raw = vm.read(ptr, len);
    return raw === null ? null : decodePairs(raw);
  };

  const streamContinue = (type: number, close: boolean): number => {
    if (type > StreamType.Upstream) return R.BadArgument;
    if (type === StreamType.Upstream) return R.Unimplemented;
    const c = ctx();
    if (type === StreamType.Downstream || !(c instanceof StreamContext)) return R.Ok;
    const dir = type === StreamType.Request ? 'request' : 'response';
    vm.defer(() => (close ? c.closeStream() : c.continueStream(dir)));
    return R.Ok;
  };

  const fns: Record<string, HostFn> = {
    'env.proxy_log': (level: number, ptr: number, len: number) => {
      if (u(level) > 5) return R.BadArgument;
      const msg = vm.readString(ptr, len);
      if (msg === null) return R.InvalidMemoryAccess;
      vm.services.log(level, msg, vm.worker);
      return R.Ok;
    },
    'env.proxy_get_log_level': (ptr: number) => (vm.writeU32(ptr, vm.config.logLevel) ? R.Ok : R.InvalidMemoryAccess),
    'env.proxy_get_status': (codePtr: number, msgPtrPtr: number, msgSizePtr: number) => {
      const c = ctx().root ?? ctx();
      if (!vm.writeU32(codePtr, c.status.code)) return R.InvalidMemoryAccess;
      return vm.copyOutString(c.status.message, msgPtrPtr, msgSizePtr);
    },
    'env.proxy_set_property': (pathPtr: number, pathLen: number, valPtr: number, valLen: number) => {
      const path = vm.read(pathPtr, pathLen);
      const value = vm.read(valPtr, valLen);
      if (path === null || value === null) return R.InvalidMemoryAccess;
      const c = ctx();
      if (!(c instanceof StreamContext)) return R.NotFound;
      c.filterState.set(`wasm.${Buffer.from(path).toString('utf8')}`, value);
      return R.Ok;
    },
    'env.proxy_get_property': (pathPtr: number, pathLen: number, valPtrPtr: number, valSizePtr: number) => {
      const path = vm.read(pathPtr, pathLen);
      if (path === null) return R.InvalidMemoryAccess;
      const segments = splitPath(path);
      const c = ctx();
      let value = resolveProperty(buildPropertyTree(vm, c), segments);
      if (value === undefined && segments.length === 1) value = c.filterStateValue(`wasm.${segments[0]}`);
      if (value === undefined) return R.NotFound;
      return vm.copyOut(encodeProperty(value), valPtrPtr, valSizePtr);
    },
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
      const headers = readPairs(hdrPtr, hdrLen);
      if (details === null || body === null) return R.InvalidMemoryAccess;
      if (headers === null) return R.SerializationFailure;
      const c = ctx();
      // From a root context there are no decoder callbacks: nothing happens, and the answer is still Ok.
      if (!(c instanceof StreamContext)) return R.Ok;
      const grpc = grpcStatus | 0;
      const reply = {
        status: u(status),
        body,
        headers: headers.map(([k, v]) => [k.toLowerCase(), v] as HeaderPair),
        details: details.replace(/\s/g, '_'),
        grpcStatus: grpc >= 0 && grpc <= 16 ? grpc : -1,
      };
      vm.defer(() => c.sendLocalReply(reply));
      return R.Ok;
    },
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
      if (u(cas) !== 0 && entry && entry.cas !== u(cas)) return R.CasMismatch;
      vm.services.sharedData.set(key, { value, cas: (entry?.cas ?? 0) + 1 });
      return R.Ok;
    },
    'env.proxy_register_shared_queue': () => R.Unimplemented,
    'env.proxy_resolve_shared_queue': () => R.Unimplemented,
    'env.proxy_dequeue_shared_queue': () => R.Unimplemented,
    'env.proxy_enqueue_shared_queue': () => R.Unimplemented,
    'env.proxy_get_header_map_value': (type: number, keyPtr: number, keyLen: number, valPtrPtr: number, valSizePtr: number) => {
      if (u(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, false);
      if (!map) return R.BadArgument;
      const key = vm.readString(keyPtr, keyLen);
      if (key === null) return R.InvalidMemoryAccess;
      const value = map.get(key);
      if (value === undefined) return R.NotFound;
      return vm.copyOutString(value, valPtrPtr, valSizePtr);
    },
    'env.proxy_add_header_map_value': (type: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number) => {
      if (u(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, true);
      if (!map) return R.BadArgument;
      const key = vm.readString(keyPtr, keyLen);
      const value = vm.readString(valPtr, valLen);
      if (key === null || value === null) return R.InvalidMemoryAccess;
      map.add(key, value);
      return R.Ok;
    },
    'env.proxy_replace_header_map_value': (type: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number) => {
      if (u(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, true);
      if (!map) return R.BadArgument;
      const key = vm.readString(keyPtr, keyLen);
      const value = vm.readString(valPtr, valLen);
      if (key === null || value === null) return R.InvalidMemoryAccess;
      map.replace(key, value);
      return R.Ok;
    },
    'env.proxy_remove_header_map_value': (type: number, keyPtr: number, keyLen: number) => {
      if (u(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, true);
      if (!map) return R.BadArgument;
      const key = vm.readString(keyPtr, keyLen);
      if (key === null) return R.InvalidMemoryAccess;
      map.remove(key);
      return R.Ok;
    },
    'env.proxy_get_header_map_pairs': (type: number, ptrPtr: number, sizePtr: number) => {
      if (u(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, false);
      if (!map) return R.BadArgument;
      return vm.copyOut(encodePairs(map.entries()), ptrPtr, sizePtr);
    },
    'env.proxy_set_header_map_pairs': (type: number, ptr: number, size: number) => {
      if (u(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, true);
      if (!map) return R.BadArgument;
      const pairs = readPairs(ptr, size);
      if (pairs === null) return R.SerializationFailure;
      map.setAll(pairs);
      return R.Ok;
    },
    'env.proxy_get_header_map_size': (type: number, sizePtr: number) => {
      if (u(type) > MapType.Max) return R.BadArgument;
      const map = headerMap(type, false);
      if (!map) return R.BadArgument;
      // Envoy answers byteSize(), not the number of headers.
      return vm.writeU32(sizePtr, map.byteSize()) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_get_buffer_status': (type: number, lenPtr: number, flagsPtr: number) => {
      if (u(type) > BufferType.Max) return R.BadArgument;
      const buf = buffer(type);
      if (!buf) return R.NotFound;
      return vm.writeU32(lenPtr, buf.length) && vm.writeU32(flagsPtr, 0) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_get_buffer_bytes': (type: number, start: number, length: number, ptrPtr: number, sizePtr: number) => {
      if (u(type) > BufferType.Max) return R.BadArgument;
      if (u(start) + u(length) > 0xffffffff) return R.BadArgument;
      const buf = buffer(type);
      if (!buf) return R.NotFound;
      const from = Math.min(u(start), buf.length);
      return vm.copyOut(buf.subarray(from, Math.min(buf.length, from + u(length))), ptrPtr, sizePtr);
    },
    'env.proxy_set_buffer_bytes': (type: number, start: number, length: number, dataPtr: number, dataLen: number) => {
      if (u(type) > BufferType.Max) return R.BadArgument;
      const c = ctx();
      if (type !== BufferType.HttpRequestBody && type !== BufferType.HttpResponseBody) {
        return buffer(type) ? R.BadArgument : R.NotFound;
      }
      if (!(c instanceof StreamContext)) return R.NotFound;
      const buf = c.bodyBuffer(type);
      if (!buf) return R.NotFound;
      const data = vm.read(dataPtr, dataLen);
      if (data === null) return R.InvalidMemoryAccess;
      // Envoy Buffer::copyFrom: start 0 drains `length` bytes then prepends; start >= size appends.
      if (u(start) === 0) {
        const rest = buf.subarray(Math.min(u(length), buf.length));
        const out = new Uint8Array(data.length + rest.length);
        out.set(data, 0);
        out.set(rest, data.length);
        c.setBodyBuffer(type, out);
        return R.Ok;
      }
      if (u(start) >= buf.length) {
        const out = new Uint8Array(buf.length + data.length);
        out.set(buf, 0);
        out.set(data, buf.length);
        c.setBodyBuffer(type, out);
        return R.Ok;
      }
      return R.BadArgument;
    },
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
      const headers = readPairs(hdrPtr, hdrLen);
      const trailers = readPairs(trlPtr, trlLen);
      if (headers === null || trailers === null) return R.SerializationFailure;
      if ((timeoutMs | 0) < 0) return R.BadArgument;
      const cluster = vm.services.clusters.get(clusterName);
      if (!cluster) return R.BadArgument;
      const lower = headers.map(([k, v]) => [k.toLowerCase(), v] as HeaderPair);
      const find = (k: string) => lower.find(([name]) => name === k)?.[1];
      const method = find(':method');
      const path = find(':path');
      const authority = find(':authority');
      if (!method || !path || !authority) return R.BadArgument;
      if (body.length > 0 && !find('content-length')) lower.push(['content-length', String(body.length)]);
      const root = ctx().root;
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
        trailers: trailers.map(([k, v]) => [k.toLowerCase(), v]),
        timeoutMs: u(timeoutMs),
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
    'env.proxy_grpc_call': () => R.Unimplemented,
    'env.proxy_grpc_stream': () => R.Unimplemented,
    'env.proxy_grpc_close': () => R.NotFound,
    'env.proxy_grpc_cancel': () => R.NotFound,
    'env.proxy_grpc_send': () => R.NotFound,
    'env.proxy_set_tick_period_milliseconds': (period: number) => {
      const root = ctx().root;
      if (!root) return R.BadArgument;
      vm.setTickPeriod(root, u(period));
      return R.Ok;
    },
    'env.proxy_get_current_time_nanoseconds': (ptr: number) => {
      const ms = vm.services.scheduler.now();
      // Whole milliseconds (the real clock) need one BigInt; fractions (simulated clocks) two.
      const ns = Number.isInteger(ms) ? BigInt(ms) * 1_000_000n : BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6));
      return vm.writeU64(ptr, ns) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_define_metric': (type: number, namePtr: number, nameLen: number, idPtr: number) => {
      if (u(type) > MetricType.Histogram) return R.BadArgument;
      const name = vm.readString(namePtr, nameLen);
      if (name === null) return R.InvalidMemoryAccess;
      const id = vm.metricIds.define(u(type), name);
      if (id === null) return R.BadArgument;
      return vm.writeU32(idPtr, id) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_increment_metric': (id: number, offset: bigint) => {
      const stat = vm.metricIds.lookup(u(id));
      if (!stat) return R.NotFound;
      if (stat.kind === 'counter') {
        if (offset <= 0n) return R.BadArgument;
        stat.value += offset;
        return R.Ok;
      }
      if (stat.kind === 'gauge') {
        stat.value += offset;
        return R.Ok;
      }
      return R.BadArgument;
    },
    'env.proxy_record_metric': (id: number, value: bigint) => {
      const stat = vm.metricIds.lookup(u(id));
      if (!stat) return R.NotFound;
      const v = BigInt.asUintN(64, value);
      if (stat.kind === 'counter')
        stat.value += v; // Envoy adds: record on a counter does not set it
      else if (stat.kind === 'gauge') stat.value = v;
      else StatsStore.recordSample(stat, Number(v));
      return R.Ok;
    },
    'env.proxy_get_metric': (id: number, resultPtr: number) => {
      const stat = vm.metricIds.lookup(u(id));
      if (!stat) return R.NotFound;
      if (stat.kind === 'histogram') return R.BadArgument;
      return vm.writeU64(resultPtr, stat.value) ? R.Ok : R.InvalidMemoryAccess;
    },
    'env.proxy_set_effective_context': (id: number) => {
      const target = vm.contexts.get(u(id));
      if (!target) return R.BadArgument;
      vm.effective = target;
      return R.Ok;
    },
    'env.proxy_done': () => R.NotFound,
    'env.proxy_call_foreign_function': () => R.NotFound,
    'env.proxy_continue_stream': (type: number) => streamContinue(u(type), false),
    'env.proxy_close_stream': (type: number) => streamContinue(u(type), true),
    'env.proxy_get_configuration': (ptrPtr: number, sizePtr: number) => {
      const buf = buffer(BufferType.PluginConfiguration);
      if (!buf) return R.NotFound;
      return vm.copyOut(buf, ptrPtr, sizePtr);
    },
    'env.proxy_continue_request': () => streamContinue(StreamType.Request, false),
    'env.proxy_continue_response': () => streamContinue(StreamType.Response, false),
    'env.proxy_clear_route_cache': () => R.Ok,
    'env.pthread_equal': (a: number, b: number) => (a === b ? 1 : 0),
    'env.emscripten_notify_memory_growth': () => undefined,
    'env.envoy_resolve_dns': () => R.Unimplemented,
    ...wasiFunctions(vm),
  };
  return fns;
}

function wasiFunctions(vm: WasmVm): Record<string, HostFn> {
  const E = WasiErrno;
  const u = (n: number) => n >>> 0;
  const envEntries = () => Object.entries(vm.config.env).map(([k, v]) => new TextEncoder().encode(`${k}=${v}\0`));
  return {
    'wasi.fd_write': (fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) => {
      if (fd !== 1 && fd !== 2) return E.Badf;
      const view = vm.view();
      const parts: Uint8Array[] = [];
      for (let i = 0; i < u(iovsLen); i++) {
        const base = u(iovs) + i * 8;
        if (!vm.inBounds(base, 8)) return E.Inval;
        const chunk = vm.read(view.getUint32(base, true), view.getUint32(base + 4, true));
        if (chunk === null) return E.Inval;
        parts.push(chunk);
      }
      const text = new TextDecoder().decode(Buffer.concat(parts));
      const written = parts.reduce((n, p) => n + p.length, 0);
      // stdout logs at info, stderr at error; a trailing newline is stripped.
      vm.services.log(fd === 1 ? 2 : 4, text.replace(/\n$/, ''), vm.worker);
      return vm.writeU32(nwrittenPtr, written) ? E.Success : E.Inval;
    },
    'wasi.fd_read': () => E.Nosys,
    'wasi.fd_seek': () => E.Nosys,
    'wasi.fd_close': () => E.Nosys,
    'wasi.fd_fdstat_get': (fd: number, statPtr: number) => {
      if (fd !== 1 && fd !== 2) return E.Badf;
      if (!vm.write(statPtr, new Uint8Array(24))) return E.Inval;
      vm.bytes()[u(statPtr)] = 2; // character device
      return E.Success;
    },
    'wasi.environ_sizes_get': (countPtr: number, sizePtr: number) => {
      const entries = envEntries();
      const size = entries.reduce((n, e) => n + e.length, 0);
      return vm.writeU32(countPtr, entries.length) && vm.writeU32(sizePtr, size) ? E.Success : E.Inval;
    },
    'wasi.environ_get': (environPtr: number, bufPtr: number) => {
      let off = u(bufPtr);
      let i = 0;
      for (const entry of envEntries()) {
        if (!vm.writeU32(u(environPtr) + i * 4, off) || !vm.write(off, entry)) return E.Inval;
        off += entry.length;
        i++;
      }
      return E.Success;
    },
    'wasi.args_sizes_get': (countPtr: number, sizePtr: number) =>
      vm.writeU32(countPtr, 0) && vm.writeU32(sizePtr, 0) ? E.Success : E.Inval,
    'wasi.args_get': () => E.Success,
    'wasi.clock_time_get': (id: number, _precision: bigint, ptr: number) => {
      let ns: bigint;
      if (id === 0) {
        const ms = vm.services.scheduler.now();
        ns = BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6));
      } else if (id === 1) ns = vm.services.scheduler.monotonicNs();
      else return E.Notsup;
      return vm.writeU64(ptr, ns) ? E.Success : E.Inval;
    },
    'wasi.random_get': (ptr: number, len: number) => {
      if (u(len) > MAX_RANDOM_BYTES) return E.Inval;
      const buf = new Uint8Array(u(len));
      vm.services.randomBytes(buf);
      return vm.write(ptr, buf) ? E.Success : E.Inval;
    },
    // Envoy's proc_exit does not exit: it logs and returns to the module.
    'wasi.proc_exit': () => {
      vm.services.log(0, 'wasi_unstable proc_exit', vm.worker);
    },
    'wasi.path_open': () => E.Noent,
    'wasi.fd_prestat_get': () => E.Badf,
    'wasi.fd_prestat_dir_name': () => E.Nosys,
  };
}
