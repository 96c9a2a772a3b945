// A proxy_http_call cluster backed by real HTTP/1.1 (keep-alive pool), with Envoy's async-client
// semantics: the whole response is buffered; connect failures become a 503 response, a reset after
// headers (or a body over the buffer limit) is a failure with no headers.
import http from 'node:http';
import type { HeaderPair } from '../abi/pairs.js';
import { type Cluster, connectFailureResponse, type HttpCallOutcome, type HttpCallRequest } from '../http-call.js';

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export class HttpCluster implements Cluster {
  private readonly agent: http.Agent;
  /** `maxSockets`: calls in flight at once (each worker VM's long poll holds one). */
  constructor(
    private readonly target: URL,
    maxSockets = 64,
  ) {
    if (target.protocol !== 'http:') throw new Error(`cluster URL must be http:// (got ${target.href})`);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  send(request: HttpCallRequest, deliver: (outcome: HttpCallOutcome) => void): { cancel(): void } {
    let done = false;
    let req: http.ClientRequest | undefined;
    const finish = (outcome: HttpCallOutcome) => {
      if (done) return;
      done = true;
      deliver(outcome);
    };
    // Started from the event loop, not inside the VM callback that asked for it (Envoy's dispatcher, too,
    // writes a new request after the callback returns): VMs answered in one pass (a publication answers
    // every held poll at once) each take their answer before the new polls go out.
    const start = setImmediate(() => {
      if (!done) req = this.start(request, finish);
    });
    return {
      cancel: () => {
        done = true;
        clearImmediate(start);
        req?.destroy();
      },
    };
  }

  /** The request on the wire; undefined when Node refuses it (then `finish` has been called). */
  private start(request: HttpCallRequest, finish: (outcome: HttpCallOutcome) => void): http.ClientRequest | undefined {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of request.headers) {
      if (k.startsWith(':')) continue;
      const prev = headers[k];
      headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    headers.host = request.authority;
    let req: http.ClientRequest;
    try {
      req = http.request({
        agent: this.agent,
        host: this.target.hostname,
        port: this.target.port || 80,
        method: request.method,
        path: request.path,
        headers,
      });
    } catch {
      // A header, method or path Node will not send (e.g. a token with a control character): the call
      // fails as a reset stream would, and the plugin's VM lives on.
      finish({ kind: 'reset' });
      return undefined;
    }
    let gotHeaders = false;
    req.on('response', (res) => {
      gotHeaders = true;
      const chunks: Uint8Array[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy();
          finish({ kind: 'reset' });
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const pairs: HeaderPair[] = [[':status', String(res.statusCode ?? 0)]];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        const trailers: HeaderPair[] = [];
        for (let i = 0; i < res.rawTrailers.length; i += 2) trailers.push([res.rawTrailers[i]!.toLowerCase(), res.rawTrailers[i + 1]!]);
        finish({ kind: 'response', response: { headers: pairs, body: joined(chunks, size), trailers } });
      });
      res.on('error', () => finish({ kind: 'reset' }));
    });
    req.on('error', () => {
      // Before headers Envoy's router answers a local 503; after headers the stream was reset.
      finish(gotHeaders ? { kind: 'reset' } : { kind: 'response', response: connectFailureResponse() });
    });
    req.end(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength));
    return req;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The body in one piece: a body that came in one chunk (most answers) is not copied. */
function joined(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, size);
}
