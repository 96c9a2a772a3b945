// Root and stream contexts as Envoy drives them (cpp-host src/context.cc, Envoy context.cc):
// lazy on_context_create at request headers, StopAll while paused, deferred continue and local reply,
// local replies through the plugin's own response callbacks, on_done -> on_log -> on_delete.
import type { HeaderPair } from './abi/pairs.js';
import { FilterStatus, WasmResult } from './abi/status.js';
import { HeaderMap } from './header-map.js';
import type { WasmVm } from './vm.js';

const OK_STATUS: { readonly code: number; readonly message: string } = { code: WasmResult.Ok, message: '' };

export class ContextBase {
  private filterStateMap: Map<string, Uint8Array> | null = null;
  /** Replaced (never mutated) when a call reports a status. */
  status: { readonly code: number; readonly message: string } = OK_STATUS;
  constructor(
    readonly vm: WasmVm,
    readonly id: number,
  ) {}
  get root(): RootContext | null {
    return null;
  }
  /** Values set with proxy_set_property (created on first use: most streams never set one). */
  get filterState(): Map<string, Uint8Array> {
    return (this.filterStateMap ??= new Map());
  }
  filterStateValue(key: string): Uint8Array | undefined {
    return this.filterStateMap?.get(key);
  }
}

export class RootContext extends ContextBase {
  /** Buffers readable only inside on_vm_start / on_configure (Envoy temp_plugin_). */
  vmConfigAvailable = false;
  pluginConfigAvailable = false;
  /** Set only while proxy_on_http_call_response runs. */
  httpCallResponse: { headers: HeaderPair[] | null; body: Uint8Array; trailers: HeaderPair[] | null } | null = null;
  override get root(): RootContext {
    return this;
  }
}

export interface LocalReply {
  status: number;
  body: string;
  headers: HeaderPair[];
  details: string;
  /** -1 when none. */
  grpcStatus: number;
}

/** What the proxy (or the test host) does with the stream once the filter lets things through. */
export interface StreamSink {
  /** Headers are read-only for the sink (the filter's header map may share the array). */
  forwardRequestHeaders(headers: readonly HeaderPair[], endOfStream: boolean): void;
  forwardRequestData(chunk: Uint8Array, endOfStream: boolean): void;
  sendResponseHeaders(headers: readonly HeaderPair[], endOfStream: boolean): void;
  sendResponseData(chunk: Uint8Array, endOfStream: boolean): void;
  /** A local reply replaces the upstream exchange. */
  localReplyStarted(reply: LocalReply): void;
  /** proxy_close_stream, or a local reply after response headers went out. */
  resetStream(reason: string): void;
}

export type StreamState = 'idle' | 'headers-paused' | 'continued' | 'local-reply' | 'reset' | 'done';

type Direction = 'request' | 'response';

interface DirectionState {
  headers: HeaderMap | null;
  /** Headers reachable through the map calls (Envoy keeps them only while not continued). */
  headersAvailable: boolean;
  inHeadersCallback: boolean;
  continueRequested: boolean;
  paused: boolean;
  headersForwarded: boolean;
  headersEos: boolean;
  /** Body chunks withheld while paused at headers (StopAllIterationAndWatermark); null when none. */
  withheld: Uint8Array[] | null;
  withheldEos: boolean;
  /** Body the plugin is buffering (StopIterationAndBuffer), or the chunk of the current body callback. */
  body: Uint8Array | null;
  bodyEos: boolean;
  ended: boolean;
}

const EMPTY = new Uint8Array(0);

function direction(): DirectionState {
  return {
    headers: null,
    headersAvailable: false,
    inHeadersCallback: false,
    continueRequested: false,
    paused: false,
    headersForwarded: false,
    headersEos: false,
    withheld: null,
    withheldEos: false,
    body: null,
    bodyEos: false,
    ended: false,
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

const encoder = new TextEncoder();

/** One HTTP stream's filter context on a worker VM. */
export class StreamContext extends ContextBase {
  readonly request: DirectionState = direction();
  readonly response: DirectionState = direction();
  state: StreamState = 'idle';
  created = false;
  localReply: LocalReply | null = null;
  /** Request attributes for properties (kept after the header map is gone). */
  requestInfo: readonly HeaderPair[] = [];
  responseCode: number | null = null;
  responseInfo: readonly HeaderPair[] = [];
  private finished = false;
  /** True when the filter runs without plugin callbacks (fail-open after the VM failed). */
  private bypass = false;
  /** The local reply went straight to the codec, replacing a paused response (no encoder filter saw it). */
  private directReply = false;
  connection: { source: string; sourcePort: number; destination: string; destinationPort: number; id: number } | null = null;

  constructor(
    vm: WasmVm,
    private readonly rootCtx: RootContext,
    private readonly sink: StreamSink,
  ) {
    super(vm, vm.allocContextId());
    vm.contexts.set(this.id, this);
  }
  override get root(): RootContext {
    return this.rootCtx;
  }

  // ---- request path ---------------------------------------------------------------------------

  /** `owned`: the caller hands the array over (fresh, keys lower-case), so it is not copied. */
  decodeHeaders(headers: readonly (readonly [string, string])[], endOfStream: boolean, owned = false): void {
    const d = this.request;
    d.headers = owned ? HeaderMap.adopt(headers as HeaderPair[]) : new HeaderMap(headers);
    d.headersAvailable = true;
    d.headersEos = endOfStream;
    d.ended = endOfStream;
    this.requestInfo = d.headers.entries();
    if (this.vm.failed || this.bypass) {
      this.onVmFailed('request');
      return;
    }
    if (!this.created) {
      this.created = true;
      this.vm.call('proxy_on_context_create', this, this.id, this.rootCtx.id);
    }
    d.inHeadersCallback = true;
    const result =
      this.vm.abi === '0.1.0'
        ? this.vm.call('proxy_on_request_headers', this, this.id, d.headers.size)
        : this.vm.call('proxy_on_request_headers', this, this.id, d.headers.size, endOfStream ? 1 : 0);
    d.inHeadersCallback = false;
    this.afterHeaders('request', result);
  }

  decodeData(chunk: Uint8Array, endOfStream: boolean): void {
    this.onData('request', chunk, endOfStream);
  }

  // ---- response path --------------------------------------------------------------------------

  encodeHeaders(headers: readonly (readonly [string, string])[], endOfStream: boolean, owned = false): void {
    if (this.state === 'reset' || this.state === 'done') return;
    const d = this.response;
    if (d.headersForwarded || d.headers) return; // a second response (e.g. upstream after a local reply)
    d.headers = owned ? HeaderMap.adopt(headers as HeaderPair[]) : new HeaderMap(headers);
    d.headersAvailable = true;
    d.headersEos = endOfStream;
    d.ended = endOfStream;
    this.responseCode = Number(d.headers.get(':status') ?? 0);
    this.responseInfo = d.headers.entries();
    if (this.vm.failed || this.bypass || !this.created) {
      this.continueHeaders('response');
      return;
    }
    d.inHeadersCallback = true;
    const result =
      this.vm.abi === '0.1.0'
        ? this.vm.call('proxy_on_response_headers', this, this.id, d.headers.size)
        : this.vm.call('proxy_on_response_headers', this, this.id, d.headers.size, endOfStream ? 1 : 0);
    d.inHeadersCallback = false;
    this.afterHeaders('response', result);
  }

  encodeData(chunk: Uint8Array, endOfStream: boolean): void {
    this.onData('response', chunk, endOfStream);
  }

  // ---- shared machinery -----------------------------------------------------------------------

  private afterHeaders(dir: Direction, result: number | undefined): void {
    const d = this[dir];
    if (this.vm.failed) {
      this.onVmFailed(dir);
      return;
    }
    if (dir === 'request' && this.localReply) return; // a local reply forces StopAll
    if (this.state === 'reset' || this.state === 'done') return;
    // ABI 0.2.x: StopIteration (1) and anything > 4 become StopAllIterationAndWatermark.
    const cont = result === undefined || result === FilterStatus.Continue || result === FilterStatus.ContinueAndEndStream;
    if (cont || d.continueRequested) this.continueHeaders(dir);
    else {
      d.paused = true;
      if (dir === 'request') this.state = 'headers-paused';
    }
  }

  private continueHeaders(dir: Direction): void {
    const d = this[dir];
    d.paused = false;
    d.continueRequested = false;
    d.headersAvailable = false; // Envoy drops request_headers_ once the filter continued
    d.headersForwarded = true;
    const pendingBody = d.withheld !== null || d.withheldEos;
    const headers = d.headers!.entries();
    if (dir === 'request') {
      if (this.state === 'idle' || this.state === 'headers-paused') this.state = 'continued';
      this.resumedAtMs = this.vm.services.scheduler.now();
      this.sink.forwardRequestHeaders(headers, d.headersEos && !pendingBody);
    } else {
      this.sink.sendResponseHeaders(headers, d.headersEos && !pendingBody);
    }
    if (pendingBody) {
      const body = d.withheld ? concat(d.withheld) : EMPTY;
      const eos = d.withheldEos;
      d.withheld = null;
      d.withheldEos = false;
      this.onData(dir, body, eos);
    }
  }

  private onData(dir: Direction, chunk: Uint8Array, endOfStream: boolean): void {
    const d = this[dir];
    if (this.state === 'reset' || this.state === 'done') return;
    if (this.localReply && (dir === 'request' || this.directReply)) return;
    if (endOfStream) d.ended = true;
    if (!d.headersForwarded) {
      // Paused at headers: Envoy buffers the body and gives no body callbacks until resume.
      (d.withheld ??= []).push(chunk);
      if (endOfStream) d.withheldEos = true;
      return;
    }
    const body = d.body ? concat([d.body, chunk]) : chunk;
    d.body = body;
    d.bodyEos = endOfStream;
    const callback = dir === 'request' ? 'proxy_on_request_body' : 'proxy_on_response_body';
    let result: number | undefined;
    if (!this.vm.failed && !this.bypass && this.created && this.vm.has(callback)) {
      result = this.vm.call(callback, this, this.id, body.length, endOfStream ? 1 : 0);
      if (this.vm.failed) {
        this.onVmFailed(dir);
        return;
      }
      if (dir === 'request' && this.localReply) return;
    }
    if (result === undefined || result === FilterStatus.Continue) this.flushBody(dir);
  }

  private flushBody(dir: Direction): void {
    const d = this[dir];
    const body = d.body ?? EMPTY;
    const eos = d.bodyEos;
    d.body = null;
    if (body.length === 0 && !eos) return;
    if (dir === 'request') this.sink.forwardRequestData(body, eos);
    else this.sink.sendResponseData(body, eos);
  }

  /** proxy_continue_stream / continue_request / continue_response, run as an after-call action. */
  continueStream(dir: Direction): void {
    const d = this[dir];
    if (this.state === 'reset' || this.state === 'done') return;
    if (dir === 'request' && this.localReply) return;
    if (d.inHeadersCallback) {
      d.continueRequested = true;
      return;
    }
    if (d.paused && d.headers && !d.headersForwarded) {
      this.continueHeaders(dir);
    } else if (d.body) {
      this.flushBody(dir);
    }
  }
  resumedAtMs: number | null = null;

  /** proxy_send_local_response, run as an after-call action (Envoy sendLocalReply). */
  sendLocalReply(reply: LocalReply): void {
    if (this.state === 'reset' || this.state === 'done' || this.localReply) return;
    if (this.response.headersForwarded) {
      // A local reply after response headers went out resets the stream.
      this.state = 'reset';
      this.sink.resetStream('local reply after response headers');
      return;
    }
    this.localReply = reply;
    this.state = 'local-reply';
    this.request.paused = false;
    this.sink.localReplyStarted(reply);
    const { headers, body } = localReplyMessage(reply, isGrpcRequest(this.requestInfo));
    // Response headers exist but were not sent downstream (a filter paused them): Envoy sends the reply straight to
    // the codec, bypassing the encoder filters (FilterManager::sendLocalReply, docs/envoy-facts.md E23).
    const direct = this.response.headers !== null;
    if (direct) {
      this.directReply = true;
      const r = this.response;
      r.paused = false;
      r.withheld = null;
      r.withheldEos = false;
      r.headers = new HeaderMap(headers);
      r.headersAvailable = false;
      r.headersForwarded = true;
      this.responseCode = Number(headers[0]![1]);
      this.sink.sendResponseHeaders(r.headers.entries(), body.length === 0);
      if (body.length > 0) this.sink.sendResponseData(body, true);
      return;
    }
    // The local reply runs through the encoder chain: the plugin's own response callbacks see it.
    this.response.headers = null;
    this.encodeHeaders(headers, body.length === 0);
    if (body.length > 0) this.encodeData(body, true);
  }

  /** Envoy Context::failStream. */
  private onVmFailed(dir: Direction): void {
    if (this.vm.config.failStrategy === 'open') {
      this.bypass = true;
      const d = this[dir];
      if (!d.headersForwarded && d.headers) this.continueHeaders(dir);
      else this.flushBody(dir);
      return;
    }
    if (dir === 'request' && !this.localReply) {
      this.sendLocalReplyBypassingPlugin({ status: 503, body: '', headers: [], details: 'wasm_fail_stream', grpcStatus: 14 });
    } else if (!this.response.headersForwarded && !this.localReply) {
      this.sendLocalReplyBypassingPlugin({ status: 503, body: '', headers: [], details: 'wasm_fail_stream', grpcStatus: 14 });
    } else {
      this.state = 'reset';
      this.sink.resetStream('wasm_fail_stream');
    }
  }

  private sendLocalReplyBypassingPlugin(reply: LocalReply): void {
    this.bypass = true;
    this.localReply = reply;
    this.state = 'local-reply';
    this.sink.localReplyStarted(reply);
    this.response.headers = new HeaderMap([
      [':status', String(reply.status)],
      ['content-length', '0'],
    ]);
    this.response.headersEos = true;
    this.response.headersForwarded = true;
    this.sink.sendResponseHeaders(this.response.headers.entries(), true);
  }

  /** proxy_close_stream (deferred). */
  closeStream(): void {
    if (this.state === 'reset' || this.state === 'done') return;
    this.state = 'reset';
    this.sink.resetStream('wasm_close_stream');
  }

  /** Normal end of the stream: on_done, on_log, on_delete. */
  complete(): void {
    if (this.state !== 'reset' && this.state !== 'local-reply') this.state = 'done';
    this.finish();
  }

  /** The client went away (or the stream was reset): the same teardown, like Envoy. */
  reset(): void {
    this.state = 'reset';
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.request.headersAvailable = false;
    this.response.headersAvailable = false;
    if (this.created && !this.vm.failed) {
      this.vm.call('proxy_on_done', this, this.id);
      this.vm.call('proxy_on_log', this, this.id);
      this.vm.call('proxy_on_delete', this, this.id);
    }
    this.vm.contexts.delete(this.id);
  }

  /** The header map for a map type, or null when unavailable in this phase. */
  headerMap(type: number): HeaderMap | null {
    if (type === 0) return this.request.headersAvailable ? this.request.headers : null;
    if (type === 2) return this.response.headersAvailable ? this.response.headers : null;
    return null;
  }

  bodyBuffer(type: number): Uint8Array | null {
    if (type === 0) return this.request.body;
    if (type === 1) return this.response.body;
    return null;
  }
  setBodyBuffer(type: number, data: Uint8Array): void {
    if (type === 0) this.request.body = data;
    else this.response.body = data;
  }
}

/** Envoy's Grpc::Common::isGrpcRequestHeaders: content-type application/grpc, or application/grpc+<format> / ;<params>. */
function isGrpcRequest(request: readonly HeaderPair[]): boolean {
  const type = request.find(([k]) => k === 'content-type')?.[1];
  if (type === undefined || !type.startsWith('application/grpc')) return false;
  const rest = type.charAt('application/grpc'.length);
  return rest === '' || rest === '+' || rest === ';';
}

/**
 * The local reply as Envoy's Http::Utility::sendLocalReply builds it (docs/envoy-facts.md E24): the module's
 * headers first; for a gRPC request a trailers-only answer (HTTP 200, content-type application/grpc,
 * grpc-status: the given one or the HTTP status mapped, grpc-message: the body percent-encoded; no body);
 * otherwise the status, the body with content-length, and text/plain unless the module set a content-type.
 */
function localReplyMessage(reply: LocalReply, grpc: boolean): { headers: HeaderPair[]; body: Uint8Array } {
  const extra: HeaderPair[] = reply.headers.map(([k, v]) => [k.toLowerCase(), v]);
  if (grpc) {
    const headers: HeaderPair[] = [[':status', '200'], ...extra.filter(([k]) => k !== 'content-type' && k !== 'content-length')];
    headers.push(['content-type', 'application/grpc']);
    if (!extra.some(([k]) => k === 'grpc-status')) {
      const status = reply.grpcStatus >= 0 && reply.grpcStatus <= 16 ? reply.grpcStatus : httpToGrpcStatus(reply.status);
      headers.push(['grpc-status', String(status)]);
    }
    if (reply.body !== '') headers.push(['grpc-message', percentEncodeGrpcMessage(reply.body)]);
    return { headers, body: EMPTY };
  }
  const body = encoder.encode(reply.body);
  const headers: HeaderPair[] = [[':status', String(reply.status)]];
  headers.push(['content-length', String(body.length)]);
  if (body.length > 0 && !extra.some(([k]) => k === 'content-type')) headers.push(['content-type', 'text/plain']);
  headers.push(...extra);
  return { headers, body };
}

/** Envoy's Grpc::Utility::httpToGrpcStatus (grpc/doc/http-grpc-status-mapping.md). */
function httpToGrpcStatus(status: number): number {
  switch (status) {
    case 400:
      return 13; // Internal
    case 401:
      return 16; // Unauthenticated
    case 403:
      return 7; // PermissionDenied
    case 404:
      return 12; // Unimplemented
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // Unavailable
    default:
      return 2; // Unknown
  }
}

/** gRPC's grpc-message encoding (Envoy's PercentEncoding::encode): bytes outside 0x20..0x7E and '%' as %XX. */
function percentEncodeGrpcMessage(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) {
    out += byte < 0x20 || byte > 0x7e || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}
