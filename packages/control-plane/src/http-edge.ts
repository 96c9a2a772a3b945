// What happens to a request before it reaches a route: Node's parser errors and timeouts answered in the API's
// error shape, the server's timeouts derived from REQUEST_TIMEOUT, and request URLs made safe to log.
import { type IncomingMessage, maxHeaderSize, type ServerOptions, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { HfiError } from './errors.js';

/** Query parameters the API reads: their values are logged; any other value (a token, say) is not. */
const LOGGED_QUERY_PARAMETERS = new Set(['dryRun', 'service', 'namespace']);

/**
 * Node's HTTP server options for one REQUEST_TIMEOUT: the headers and the whole request must arrive within it
 * (Node's default for headers is 60 s whatever the request timeout), and expired connections are looked for
 * often enough that the timeout holds to within a tenth of it (Node's default check runs every 30 s).
 */
export function serverTimeouts(requestTimeoutMs: number): ServerOptions & { keepAliveTimeout: number } {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.round(requestTimeoutMs / 10))),
    // An idle keep-alive connection is dropped after the same time.
    keepAliveTimeout: requestTimeoutMs,
  };
}

/** Errors Node's parser raises before any route runs (malformed, oversized, too slow), in the API's shape. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const hfi =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new HfiError('HFI_REQUEST_TIMEOUT')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new HfiError('HFI_HEADERS_TOO_LARGE', `the request line and headers exceed the ${maxHeaderSize} bytes the server reads`)
        : new HfiError('HFI_INVALID_REQUEST', `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`);
  answerRaw(socket, hfi);
}

/** CONNECT is no route of the API (without this, Node closes the connection without an answer). */
export function answerConnect(request: IncomingMessage, socket: Socket): void {
  answerRaw(socket, new HfiError('HFI_NOT_FOUND', `no route for ${request.method} (the API does not tunnel)`));
}

/** An error answer written on the socket itself (no request object exists), then the connection closed. */
function answerRaw(socket: Socket, hfi: HfiError): void {
  const body = JSON.stringify(hfi.toJSON());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${hfi.statusCode} ${STATUS_CODES[hfi.statusCode]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** The URL as logged: values of query parameters the API does not read are replaced (tokens sent there must not leak). */
export function loggableUrl(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  const query = url
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      if (LOGGED_QUERY_PARAMETERS.has(name)) return pair;
      return equals === -1 ? '[redacted]' : `${name}=[redacted]`;
    })
    .join('&');
  return `${url.slice(0, question)}?${query}`;
}
