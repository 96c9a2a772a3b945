// A proxy_http_call cluster backed by real HTTP/1.1 (keep-alive pool), with Envoy's async-client
// semantics: the whole response is buffered; connect failures become a 503 response, a reset after
// headers (or a body over the buffer limit) is a failure with no headers.
// Its own small HTTP/1.1 client, not Node's (ADR 0126): every worker VM's poll comes through here, and
// Node's client cost each VM more per answer than the plugin itself.
import net from 'node:net';
import type { HeaderPair } from '../abi/pairs.js';
import { type Cluster, connectFailureResponse, type HttpCallOutcome, type HttpCallRequest } from '../http-call.js';
import { encodeRequest } from './http1-request.js';
import { type ParsedResponse, type ParseResult, ResponseParser } from './http1-response-parser.js';

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export class HttpCluster implements Cluster {
  private readonly idle: Connection[] = [];
  private readonly connections = new Set<Connection>();
  /** Calls waiting for a connection while `maxSockets` are busy, in order. */
  private readonly waiting = new Set<() => void>();

  /** `maxSockets`: calls in flight at once (each worker VM's long poll holds one). */
  constructor(
    private readonly target: URL,
    private readonly maxSockets = 64,
  ) {
    if (target.protocol !== 'http:') throw new Error(`cluster URL must be http:// (got ${target.href})`);
  }

  send(request: HttpCallRequest, deliver: (outcome: HttpCallOutcome) => void): { cancel(): void } {
    let done = false;
    let exchange: Connection | undefined;
    const finish = (outcome: HttpCallOutcome) => {
      if (done) return;
      done = true;
      deliver(outcome);
    };
    const begin = (): void => {
      this.waiting.delete(begin);
      if (!done) exchange = this.start(request, finish);
    };
    // Started from the event loop, not inside the VM callback that asked for it (Envoy's dispatcher, too,
    // writes a new request after the callback returns): VMs answered in one pass (a publication answers
    // every held poll at once) each take their answer before the new polls go out.
    const start = setImmediate(() => {
      if (this.idle.length > 0 || this.connections.size < this.maxSockets) begin();
      else this.waiting.add(begin);
    });
    return {
      cancel: () => {
        done = true;
        clearImmediate(start);
        this.waiting.delete(begin);
        exchange?.abort();
      },
    };
  }

  /** The request on a connection; undefined when it cannot be sent (then `finish` has been called). */
  private start(request: HttpCallRequest, finish: (outcome: HttpCallOutcome) => void): Connection | undefined {
    const bytes = encodeRequest(request);
    if (!(bytes instanceof Buffer)) {
      // A header, method or path HTTP cannot carry (e.g. a token with a control character): the call
      // fails as a reset stream would, and the plugin's VM lives on.
      finish({ kind: 'reset' });
      this.next();
      return undefined;
    }
    const connection = this.idle.pop() ?? this.connect();
    connection.exchange(bytes, request.method === 'HEAD', (result) => {
      if (result.kind === 'done') {
        const { status, headers, body, trailers, keepAlive } = result.response;
        const pairs: HeaderPair[] = [[':status', String(status)], ...headers];
        if (keepAlive) this.release(connection);
        else connection.abort();
        finish({ kind: 'response', response: { headers: pairs, body, trailers } });
      } else {
        connection.abort();
        // Before headers Envoy's router answers a local 503; after headers the stream was reset.
        finish(result.afterHead ? { kind: 'reset' } : { kind: 'response', response: connectFailureResponse() });
      }
    });
    return connection;
  }

  private connect(): Connection {
    const connection = new Connection(this.target, () => {
      this.connections.delete(connection);
      const at = this.idle.indexOf(connection);
      if (at !== -1) this.idle.splice(at, 1);
      this.next();
    });
    this.connections.add(connection);
    return connection;
  }

  private release(connection: Connection): void {
    this.idle.push(connection);
    this.next();
  }

  /** A connection came free (or went away): the oldest waiting call takes it. */
  private next(): void {
    const first = this.waiting.values().next();
    if (!first.done) first.value();
  }

  close(): void {
    this.waiting.clear();
    for (const connection of [...this.connections]) connection.abort();
  }
}

type Outcome = { kind: 'done'; response: ParsedResponse } | { kind: 'failed'; afterHead: boolean };

/** One keep-alive connection: at most one exchange at a time, its listeners attached once. */
class Connection {
  private readonly socket: net.Socket;
  private parser: ResponseParser | null = null;
  private onOutcome: ((outcome: Outcome) => void) | null = null;

  constructor(target: URL, gone: () => void) {
    this.socket = net.connect({ host: target.hostname, port: Number(target.port || 80), noDelay: true });
    this.socket.on('data', (data: Buffer) => {
      if (this.parser) this.report(this.parser.push(data));
      else this.socket.destroy(); // bytes on an idle connection: the server is not speaking HTTP/1.1 to us
    });
    this.socket.on('end', () => {
      if (this.parser) this.report(this.parser.end());
      this.socket.destroy();
    });
    this.socket.on('error', () => undefined); // 'close' follows
    this.socket.on('close', () => {
      if (this.parser) this.report({ kind: 'error', reason: 'closed', afterHead: this.parser.headRead });
      gone();
    });
  }

  exchange(bytes: Buffer, headRequest: boolean, onOutcome: (outcome: Outcome) => void): void {
    this.parser = new ResponseParser(headRequest, MAX_RESPONSE_BYTES);
    this.onOutcome = onOutcome;
    this.socket.write(bytes);
  }

  /** Ends the connection; an exchange on it reports nothing more. */
  abort(): void {
    this.parser = null;
    this.onOutcome = null;
    this.socket.destroy();
  }

  private report(result: ParseResult): void {
    if (result.kind === 'more') return;
    const onOutcome = this.onOutcome;
    this.parser = null;
    this.onOutcome = null;
    onOutcome?.(result.kind === 'done' ? result : { kind: 'failed', afterHead: result.afterHead });
  }
}
