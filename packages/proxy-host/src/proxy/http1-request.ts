// A proxy_http_call request as HTTP/1.1 bytes: request line, headers and body in one buffer, so it goes
// out in one write. Names and values are checked as Node's own client checks them.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { HttpCallRequest } from '../http-call.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Node's client refuses a path with a space, a control character or one beyond Latin-1. */
const PATH = /^[\x21-\xff]+$/;
/** Framing and connection headers are the client's own: the body's length and keep-alive are set here. */
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);
/** Methods whose empty body needs no content-length (Node's client sends none for them either). */
const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);

/** The request's bytes, or the reason it cannot be sent (a header, method or path HTTP cannot carry). */
export function encodeRequest(request: HttpCallRequest): Buffer | { invalid: string } {
  if (!TOKEN.test(request.method)) return { invalid: 'method' };
  if (!PATH.test(request.path)) return { invalid: 'path' };
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${request.authority}\r\n`;
  try {
    validateHeaderValue('host', request.authority);
    for (const [name, value] of request.headers) {
      if (name.startsWith(':') || OWN_HEADERS.has(name)) continue;
      validateHeaderName(name);
      validateHeaderValue(name, value);
      head += `${name}: ${value}\r\n`;
    }
  } catch {
    return { invalid: 'header' };
  }
  const body = request.body;
  if (body.length > 0 || !NO_BODY_METHODS.has(request.method)) head += `content-length: ${body.length}\r\n`;
  head += '\r\n';
  const headLength = Buffer.byteLength(head, 'latin1');
  const bytes = Buffer.allocUnsafe(headLength + body.length);
  bytes.write(head, 0, headLength, 'latin1');
  bytes.set(body, headLength);
  return bytes;
}
