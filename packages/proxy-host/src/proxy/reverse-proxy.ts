// hfi-proxy's data path: an HTTP/1.1 reverse proxy that runs every request through a proxy-wasm
// filter on one of the worker VMs (round-robin per connection, like Envoy's per-worker listeners).
// Bodies stream in both directions unless the plugin pauses or buffers.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { HeaderPair } from '../abi/pairs.js';
import type { StreamContext, StreamSink } from '../context.js';
import type { WorkerVm } from '../plugin.js';
import type { Scheduler } from '../scheduler.js';
import { endToEndHeaders } from './hop-by-hop.js';

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

const encoder = new TextEncoder();
let connectionIds = 0;

export function createReverseProxy(opts: ReverseProxyOptions): http.Server {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  const workerOf = new WeakMap<Socket, { worker: WorkerVm | null; id: number }>();
  let nextWorker = 0;
  const server = http.createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
    const socket = req.socket;
    let conn = workerOf.get(socket);
    if (!conn) {
      const workers = opts.workers;
      conn = { worker: workers && workers.length ? workers[nextWorker++ % workers.length]! : null, id: ++connectionIds };
      workerOf.set(socket, conn);
    }
    handleRequest(req, res, conn.worker, conn.id, opts, agent);
  });
  server.on('close', () => agent.destroy());
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  return server;
}

function requestHeaders(req: http.IncomingMessage, opts: ReverseProxyOptions): HeaderPair[] {
  const headers: HeaderPair[] = [
    [':method', req.method ?? 'GET'],
    [':path', req.url ?? '/'],
    [':authority', req.headers.host ?? opts.upstream.host],
    [':scheme', 'http'],
  ];
  for (const [k, v] of endToEndHeaders(req.rawHeaders)) {
    if (k === 'host' || k === 'x-forwarded-for') continue;
    headers.push([k, v]);
  }
  const client = req.socket.remoteAddress ?? '';
  const xff = req.headers['x-forwarded-for'];
  headers.push(['x-forwarded-for', xff ? `${xff}, ${client}` : client]);
  headers.push(['x-forwarded-proto', 'http']);
  if (!req.headers['x-request-id']) headers.push(['x-request-id', opts.requestId()]);
  return headers;
}

function hasBody(req: http.IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function handleRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  worker: WorkerVm | null,
  connectionId: number,
  opts: ReverseProxyOptions,
  agent: http.Agent,
): void {
  let upstreamReq: http.ClientRequest | null = null;
  let upstreamRes: http.IncomingMessage | null = null;
  let stream: StreamContext | null = null;
  let responseStarted = false;
  let finished = false;
  let timeout: { cancel(): void } | null = null;

  const abortUpstream = () => {
    timeout?.cancel();
    upstreamRes?.destroy();
    upstreamReq?.destroy();
    upstreamReq = null;
  };

  /** Response from the proxy itself (upstream errors): it still runs through the plugin's response callbacks. */
  const localResponse = (status: number, text: string) => {
    const body = encoder.encode(text);
    const headers: HeaderPair[] = [
      [':status', String(status)],
      ['content-length', String(body.length)],
      ['content-type', 'text/plain'],
    ];
    if (stream) {
      stream.encodeHeaders(headers, body.length === 0);
      if (body.length) stream.encodeData(body, true);
    } else {
      sink.sendResponseHeaders(headers, body.length === 0);
      if (body.length) sink.sendResponseData(body, true);
    }
  };

  const sink: StreamSink = {
    forwardRequestHeaders(headers, endOfStream) {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of headers) {
        if (k.startsWith(':')) continue;
        const prev = out[k];
        out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      const get = (k: string) => headers.find(([n]) => n === k)?.[1];
      out['host'] = get(':authority') ?? opts.upstream.host;
      const u = http.request({
        agent,
        host: opts.upstream.hostname,
        port: opts.upstream.port || 80,
        method: get(':method') ?? 'GET',
        path: get(':path') ?? '/',
        headers: out,
      });
      upstreamReq = u;
      timeout = opts.scheduler.setTimer(opts.upstreamTimeoutMs, () => {
        if (responseStarted || finished) return;
        abortUpstream();
        localResponse(504, 'upstream request timeout');
      });
      u.on('response', (r) => {
        timeout?.cancel();
        upstreamRes = r;
        const pairs: HeaderPair[] = [[':status', String(r.statusCode ?? 502)], ...endToEndHeaders(r.rawHeaders)];
        const empty = r.headers['content-length'] === '0' || req.method === 'HEAD' || r.statusCode === 204 || r.statusCode === 304;
        if (stream) stream.encodeHeaders(pairs, empty);
        else sink.sendResponseHeaders(pairs, empty);
        if (empty) {
          r.resume();
          return;
        }
        r.on('data', (chunk: Buffer) => {
          if (stream) stream.encodeData(chunk, false);
          else sink.sendResponseData(chunk, false);
        });
        r.on('end', () => {
          if (stream) stream.encodeData(new Uint8Array(0), true);
          else sink.sendResponseData(new Uint8Array(0), true);
        });
        r.on('error', () => res.destroy());
      });
      u.on('error', (err) => {
        if (upstreamReq !== u || finished) return;
        timeout?.cancel();
        if (upstreamRes) {
          res.destroy();
          return;
        }
        opts.onError?.(`upstream ${opts.upstream.host}: ${err.message}`);
        localResponse(502, `upstream connect error or disconnect/reset before headers. reset reason: ${err.message}`);
      });
      if (endOfStream) u.end();
    },
    forwardRequestData(chunk, endOfStream) {
      const u = upstreamReq;
      if (!u) return;
      if (chunk.length && !u.write(chunk)) {
        req.pause();
        u.once('drain', () => req.resume());
      }
      if (endOfStream) u.end();
    },
    sendResponseHeaders(headers, endOfStream) {
      if (res.headersSent || finished) return;
      responseStarted = true;
      const status = Number(headers.find(([k]) => k === ':status')?.[1] ?? 502);
      const out: [string, string][] = headers.filter(([k]) => !k.startsWith(':'));
      res.writeHead(status, out.flat());
      if (endOfStream) res.end();
    },
    sendResponseData(chunk, endOfStream) {
      if (res.writableEnded) return;
      if (chunk.length && !res.write(chunk) && upstreamRes) {
        const r = upstreamRes;
        r.pause();
        res.once('drain', () => r.resume());
      }
      if (endOfStream) res.end();
    },
    localReplyStarted() {
      abortUpstream();
    },
    resetStream() {
      abortUpstream();
      res.destroy();
    },
  };

  res.on('finish', () => {
    finished = true;
    timeout?.cancel();
    stream?.complete();
  });
  res.on('close', () => {
    if (!finished) {
      finished = true;
      abortUpstream();
      stream?.reset();
    }
  });

  if (!worker && opts.failClosedWithoutPlugin) {
    req.resume();
    res.writeHead(503, { 'content-length': '0' });
    res.end();
    return;
  }
  const body = hasBody(req);
  const headers = requestHeaders(req, opts);
  if (worker) {
    stream = worker.newStream(sink);
    stream.connection = {
      source: req.socket.remoteAddress ?? '',
      sourcePort: req.socket.remotePort ?? 0,
      destination: req.socket.localAddress ?? '',
      destinationPort: req.socket.localPort ?? 0,
      id: connectionId,
    };
    stream.decodeHeaders(headers, !body);
  } else {
    sink.forwardRequestHeaders(headers, !body);
  }
  if (body) {
    req.on('data', (chunk: Buffer) => {
      if (stream) stream.decodeData(chunk, false);
      else sink.forwardRequestData(chunk, false);
    });
    req.on('end', () => {
      if (stream) stream.decodeData(new Uint8Array(0), true);
      else sink.forwardRequestData(new Uint8Array(0), true);
    });
  } else {
    req.resume();
  }
}
