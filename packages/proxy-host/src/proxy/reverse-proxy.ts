// hfi-proxy's data path: an HTTP/1.1 reverse proxy that runs every request through a proxy-wasm
// filter on one of the worker VMs (round-robin per connection, like Envoy's per-worker listeners).
// Bodies stream in both directions unless the plugin pauses or buffers.
//
// Per request it allocates one Exchange (the filter's sink) and no closures: event handlers are
// module-level functions that find their Exchange through a symbol on the emitter; headers stay flat
// arrays (Node's rawHeaders shape) except where the filter needs pairs; route timeouts share one timer.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { HeaderPair } from '../abi/pairs.js';
import type { LocalReply, StreamContext, StreamSink } from '../context.js';
import type { WorkerVm } from '../plugin.js';
import type { Scheduler } from '../scheduler.js';
import { appendEndToEnd } from './hop-by-hop.js';
import { InflightList } from './inflight.js';
import { sendableHeaders } from './sendable.js';

export interface ReverseProxyOptions {
  upstream: URL;
  /** null: no plugin (bare proxy); otherwise the worker VMs to spread connections over. */
  workers: WorkerVm[] | null;
  /** The plugin failed to load and the proxy fails closed: every request gets 503. */
  failClosedWithoutPlugin: boolean;
  /** Route timeout (Envoy default 15 s): no upstream response headers within it -> 504. */
  upstreamTimeoutMs: number;
  scheduler: Scheduler;
  requestId: () => string;
  onError?: (message: string) => void;
}

/** What every exchange of one proxy shares. */
interface Shared {
  opts: ReverseProxyOptions;
  agent: http.Agent;
  hostname: string;
  port: number | string;
  inflight: InflightList<Exchange>;
}

interface Connection {
  worker: WorkerVm | null;
  id: number;
  source: string;
  sourcePort: number;
  destination: string;
  destinationPort: number;
}

const EXCHANGE = Symbol('hfi.exchange');
const CONNECTION = Symbol('hfi.connection');
type Tagged<T> = T & { [EXCHANGE]?: Exchange };
const EMPTY = new Uint8Array(0);
/** Request headers picked out of the client's (replaced or combined by the proxy). */
const PICK = ['host', 'x-forwarded-for', 'x-request-id'] as const;
let connectionIds = 0;
/** Envoy's default max_request_headers_kb: request line and headers together. */
const MAX_REQUEST_HEADERS_BYTES = 60 * 1024;

export function createReverseProxy(opts: ReverseProxyOptions): http.Server {
  // Keep-alive pool to the upstream; no socket cap (the client side bounds concurrency), a warm spare set.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' });
  const shared: Shared = {
    opts,
    agent,
    hostname: opts.upstream.hostname,
    port: opts.upstream.port || 80,
    inflight: new InflightList<Exchange>(opts.scheduler, opts.upstreamTimeoutMs, (x) => x.onRouteTimeout()),
  };
  let nextWorker = 0;
  const server = http.createServer({ keepAlive: true, keepAliveTimeout: 60_000, maxHeaderSize: MAX_REQUEST_HEADERS_BYTES }, (req, res) => {
    const socket = req.socket as Socket & { [CONNECTION]?: Connection };
    let conn = socket[CONNECTION];
    if (!conn) {
      const workers = opts.workers;
      conn = {
        worker: workers?.length ? workers[nextWorker++ % workers.length]! : null,
        id: ++connectionIds,
        source: socket.remoteAddress ?? '',
        sourcePort: socket.remotePort ?? 0,
        destination: socket.localAddress ?? '',
        destinationPort: socket.localPort ?? 0,
      };
      socket[CONNECTION] = conn;
    }
    new Exchange(req, res, conn, shared).start();
  });
  server.on('close', () => {
    shared.inflight.close();
    agent.destroy();
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Envoy answers headers over max_request_headers_kb with 431, anything else its codec refuses with 400.
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });
  // CONNECT is not proxied: without a connect_matcher no Envoy route matches it, and Envoy answers 404
  // (without a listener Node would close the connection without a word).
  server.on('connect', (_req: http.IncomingMessage, socket: Socket) => {
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  return server;
}

/** One client request and its upstream exchange; the filter's sink. */
class Exchange implements StreamSink {
  upstreamReq: Tagged<http.ClientRequest> | null = null;
  upstreamRes: Tagged<http.IncomingMessage> | null = null;
  stream: StreamContext | null = null;
  responseStarted = false;
  finished = false;
  /** Links for the shared route-timeout list (in it only while waiting for upstream headers). */
  prev: Exchange | null = null;
  next: Exchange | null = null;
  deadline = 0;
  inList = false;

  constructor(
    readonly req: Tagged<http.IncomingMessage>,
    readonly res: Tagged<http.ServerResponse>,
    readonly conn: Connection,
    readonly shared: Shared,
  ) {}

  start(): void {
    const { req, res, conn, shared } = this;
    req[EXCHANGE] = this;
    res[EXCHANGE] = this;
    res.on('finish', onClientFinish);
    res.on('close', onClientClose);
    const opts = shared.opts;
    if (!conn.worker && opts.failClosedWithoutPlugin) {
      req.resume();
      res.writeHead(503, ['content-length', '0']);
      res.end();
      return;
    }
    // Pseudo-headers first (the filter sees them), then the end-to-end headers, then the proxy's own.
    const flat: string[] = [':method', req.method ?? 'GET', ':path', req.url ?? '/', ':authority', '', ':scheme', 'http'];
    const scan = appendEndToEnd(req.rawHeaders, flat, PICK);
    flat[5] = scan.picked[0] ?? opts.upstream.host;
    const client = conn.source;
    const xff = scan.picked[1];
    flat.push('x-forwarded-for', xff ? `${xff}, ${client}` : client, 'x-forwarded-proto', 'http');
    const rid = scan.picked[2];
    flat.push('x-request-id', rid ? rid : opts.requestId());
    const body = (scan.contentLength !== undefined && scan.contentLength !== '0') || scan.chunked;

    if (conn.worker) {
      const stream = conn.worker.newStream(this);
      this.stream = stream;
      stream.connection = conn;
      stream.decodeHeaders(toPairs(flat), !body, true);
    } else {
      this.sendUpstream(flat, !body);
    }
    if (body) {
      req.on('data', onClientData);
      req.on('end', onClientEnd);
    } else {
      req.resume();
    }
  }

  // ---- StreamSink (what the filter lets through) -------------------------------------------------

  forwardRequestHeaders(headers: readonly HeaderPair[], endOfStream: boolean): void {
    const flat: string[] = [];
    for (let i = 0; i < headers.length; i++) flat.push(headers[i]![0], headers[i]![1]);
    this.sendUpstream(flat, endOfStream);
  }

  /** `flat` holds the pseudo-headers :method :path :authority (any order) and the headers to send. */
  private sendUpstream(flat: readonly string[], endOfStream: boolean): void {
    const shared = this.shared;
    let method = 'GET';
    let path = '/';
    let authority: string | undefined;
    const out: string[] = ['host', ''];
    for (let i = 0; i < flat.length; i += 2) {
      const k = flat[i]!;
      if (k.charCodeAt(0) === 58 /* ':' */) {
        if (k === ':method') method = flat[i + 1]!;
        else if (k === ':path') path = flat[i + 1]!;
        else if (k === ':authority') authority = flat[i + 1]!;
        continue;
      }
      if (k === 'host') continue;
      out.push(k, flat[i + 1]!);
    }
    out[1] = authority ?? shared.opts.upstream.host;
    const request = (headers: string[]): Tagged<http.ClientRequest> =>
      http.request({ agent: shared.agent, host: shared.hostname, port: shared.port, method, path, headers });
    let u: Tagged<http.ClientRequest>;
    try {
      u = request(out);
    } catch (err) {
      // Something Node will not send (see sendable.ts): drop such headers; a bad method or path fails the request.
      const { headers, dropped } = sendableHeaders(out);
      try {
        u = request(headers);
        shared.opts.onError?.(`request ${method} ${path}: ${(err as Error).message}; sent without ${dropped.join(', ')}`);
      } catch (again) {
        shared.opts.onError?.(`request ${method} ${path}: ${(again as Error).message}`);
        shared.opts.scheduler.setTimer(0, () => {
          if (!this.finished) this.localResponse(502, `cannot forward the request: ${(again as Error).message}`);
        });
        return;
      }
    }
    u[EXCHANGE] = this;
    this.upstreamReq = u;
    shared.inflight.add(this);
    u.on('response', onUpstreamResponse);
    u.on('error', onUpstreamError);
    if (endOfStream) u.end();
  }

  forwardRequestData(chunk: Uint8Array, endOfStream: boolean): void {
    const u = this.upstreamReq;
    if (!u) return;
    if (chunk.length && !u.write(chunk)) {
      this.req.pause();
      u.once('drain', onUpstreamDrain);
    }
    if (endOfStream) u.end();
  }

  sendResponseHeaders(headers: readonly HeaderPair[], endOfStream: boolean): void {
    let status = 502;
    const flat: string[] = [];
    for (let i = 0; i < headers.length; i++) {
      const [k, v] = headers[i]!;
      if (k.charCodeAt(0) === 58 /* ':' */) {
        if (k === ':status') status = Number(v);
        continue;
      }
      flat.push(k, v);
    }
    this.writeHead(status, flat, endOfStream);
  }

  sendResponseData(chunk: Uint8Array, endOfStream: boolean): void {
    const res = this.res;
    if (res.writableEnded) return;
    if (endOfStream) {
      if (chunk.length) res.end(chunk);
      else res.end();
      return;
    }
    if (chunk.length && !res.write(chunk) && this.upstreamRes) {
      this.upstreamRes.pause();
      res.once('drain', onClientDrain);
    }
  }

  localReplyStarted(_reply: LocalReply): void {
    this.abortUpstream();
  }

  resetStream(): void {
    this.abortUpstream();
    this.res.destroy();
  }

  // ---- events --------------------------------------------------------------------------------------

  onUpstreamResponse(r: Tagged<http.IncomingMessage>): void {
    this.shared.inflight.remove(this);
    r[EXCHANGE] = this;
    this.upstreamRes = r;
    const status = r.statusCode ?? 502;
    const flat: string[] = [];
    const scan = appendEndToEnd(r.rawHeaders, flat, []);
    const empty = scan.contentLength === '0' || this.req.method === 'HEAD' || status === 204 || status === 304;
    const stream = this.stream;
    if (stream) stream.encodeHeaders(toPairs(flat, String(status)), empty, true);
    else this.writeHead(status, flat, empty);
    if (empty) {
      r.resume();
      return;
    }
    r.on('data', onUpstreamData);
    r.on('end', onUpstreamEnd);
    r.on('error', onUpstreamResError);
  }

  /** Writes the response head; what Node will not send (see sendable.ts) is dropped and reported, never thrown. */
  private writeHead(status: number, flat: string[], endOfStream: boolean): void {
    const res = this.res;
    if (res.headersSent || this.finished) return;
    this.responseStarted = true;
    try {
      res.writeHead(status, flat);
    } catch (err) {
      const { headers, dropped } = sendableHeaders(flat);
      const sent = Number.isInteger(status) && status >= 100 && status <= 999 ? status : 502;
      this.shared.opts.onError?.(
        `response ${status}: ${(err as Error).message}; sent ${sent} without ${dropped.join(', ') || 'no header'}`,
      );
      res.writeHead(sent, headers);
    }
    if (endOfStream) res.end();
  }

  onUpstreamData(chunk: Buffer): void {
    if (this.stream) this.stream.encodeData(chunk, false);
    else this.sendResponseData(chunk, false);
  }

  onUpstreamEnd(): void {
    if (this.stream) this.stream.encodeData(EMPTY, true);
    else this.sendResponseData(EMPTY, true);
  }

  onUpstreamError(u: http.ClientRequest, err: Error): void {
    if (this.upstreamReq !== u || this.finished) return;
    this.shared.inflight.remove(this);
    if (this.upstreamRes) {
      this.res.destroy();
      return;
    }
    const opts = this.shared.opts;
    opts.onError?.(`upstream ${opts.upstream.host}: ${err.message}`);
    this.localResponse(502, `upstream connect error or disconnect/reset before headers. reset reason: ${err.message}`);
  }

  onRouteTimeout(): void {
    if (this.responseStarted || this.finished) return;
    this.abortUpstream();
    this.localResponse(504, 'upstream request timeout');
  }

  onClientData(chunk: Buffer): void {
    if (this.stream) this.stream.decodeData(chunk, false);
    else this.forwardRequestData(chunk, false);
  }

  onClientEnd(): void {
    if (this.stream) this.stream.decodeData(EMPTY, true);
    else this.forwardRequestData(EMPTY, true);
  }

  onClientFinish(): void {
    this.finished = true;
    this.shared.inflight.remove(this);
    this.stream?.complete();
  }

  onClientClose(): void {
    if (this.finished) return;
    this.finished = true;
    this.abortUpstream();
    this.stream?.reset();
  }

  private abortUpstream(): void {
    this.shared.inflight.remove(this);
    this.upstreamRes?.destroy();
    this.upstreamReq?.destroy();
    this.upstreamReq = null;
  }

  /** Response from the proxy itself (upstream errors): it still runs through the plugin's response callbacks. */
  private localResponse(status: number, text: string): void {
    const body = Buffer.from(text);
    const headers: HeaderPair[] = [
      [':status', String(status)],
      ['content-length', String(body.length)],
      ['content-type', 'text/plain'],
    ];
    if (this.stream) {
      this.stream.encodeHeaders(headers, body.length === 0, true);
      if (body.length) this.stream.encodeData(body, true);
    } else {
      this.sendResponseHeaders(headers, body.length === 0);
      if (body.length) this.sendResponseData(body, true);
    }
  }
}

/** Flat [k, v, ...] to the filter's pairs, with `:status` first when given. */
function toPairs(flat: readonly string[], status?: string): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  if (status !== undefined) pairs.push([':status', status]);
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

// Shared listeners: `this` is the emitter, which carries its Exchange.
function onClientFinish(this: Tagged<http.ServerResponse>): void {
  this[EXCHANGE]!.onClientFinish();
}
function onClientClose(this: Tagged<http.ServerResponse>): void {
  this[EXCHANGE]!.onClientClose();
}
function onClientData(this: Tagged<http.IncomingMessage>, chunk: Buffer): void {
  this[EXCHANGE]!.onClientData(chunk);
}
function onClientEnd(this: Tagged<http.IncomingMessage>): void {
  this[EXCHANGE]!.onClientEnd();
}
function onClientDrain(this: Tagged<http.ServerResponse>): void {
  this[EXCHANGE]!.upstreamRes?.resume();
}
function onUpstreamDrain(this: Tagged<http.ClientRequest>): void {
  this[EXCHANGE]!.req.resume();
}
function onUpstreamResponse(this: Tagged<http.ClientRequest>, r: http.IncomingMessage): void {
  this[EXCHANGE]!.onUpstreamResponse(r);
}
function onUpstreamError(this: Tagged<http.ClientRequest>, err: Error): void {
  this[EXCHANGE]!.onUpstreamError(this, err);
}
function onUpstreamData(this: Tagged<http.IncomingMessage>, chunk: Buffer): void {
  this[EXCHANGE]!.onUpstreamData(chunk);
}
function onUpstreamEnd(this: Tagged<http.IncomingMessage>): void {
  this[EXCHANGE]!.onUpstreamEnd();
}
function onUpstreamResError(this: Tagged<http.IncomingMessage>): void {
  this[EXCHANGE]!.res.destroy();
}
