// The abort kind: answer the request with a status, body and headers of the policy's choosing instead of
// the upstream's (docs/policy.md "abort").
import { checkKeys, childPath, describe, type ErrorSink, isRecord, own } from '../errors.js';
import { given, readHeaderName, readInteger, written } from '../fields.js';
import { LIMITS } from '../limits.js';
import type { AbortFault, CompiledAbort, CompiledRule, Fault } from '../types.js';
import type { FaultKind } from './kind.js';

const ABORT_KEYS = ['httpStatus', 'grpcStatus', 'body', 'headers'] as const;
/** Response headers the abort may not set: framing and hop-by-hop headers belong to the proxy, x-hfi-fault to HFI. */
const FORBIDDEN_ABORT_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
  'x-hfi-fault',
]);

export const abortKind: FaultKind = {
  name: 'abort',
  inputKeys: ['abort'],
  isGiven: (input) => written(input, 'abort'),
  read(sink, faultPath, input) {
    if (!given(input, 'abort')) return {};
    const abort = readAbort(sink, `${faultPath}.abort`, own(input, 'abort'));
    return abort ? { abort } : undefined;
  },
  compile: (fault: Fault): Pick<CompiledRule, 'abort'> => ({ abort: compileAbort(fault.abort) }),
  describe(fault) {
    const a = fault.abort;
    if (!a) return undefined;
    let text = `abort with HTTP ${a.httpStatus}`;
    if (a.grpcStatus !== undefined) text += ` (gRPC status ${a.grpcStatus})`;
    if (a.body !== undefined && a.body !== '') text += ` and body ${JSON.stringify(truncate(a.body, 60))}`;
    const headers = Object.entries(a.headers ?? {});
    if (headers.length > 0) text += `, headers ${headers.map(([k, v]) => `${k}: ${v}`).join(', ')}`;
    return text;
  },
};

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function compileAbort(abort: AbortFault | undefined): CompiledAbort | null {
  if (!abort) return null;
  const headers = Object.entries(abort.headers ?? {})
    .map(([name, value]): [string, string] => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { status: abort.httpStatus, grpcStatus: abort.grpcStatus ?? -1, body: abort.body ?? '', headers };
}

function readAbort(sink: ErrorSink, path: string, value: unknown): AbortFault | undefined {
  if (!isRecord(value)) {
    sink.add(path, `expected an object {httpStatus, grpcStatus, body, headers}, found ${describe(value)}`);
    return undefined;
  }
  checkKeys(sink, path, value, ABORT_KEYS);
  const before = sink.count;
  const status = own(value, 'httpStatus');
  const httpStatus =
    status === null
      ? undefined // refused by checkKeys
      : status === undefined
        ? (sink.add(`${path}.httpStatus`, 'is required: an HTTP status from 200 to 599'), undefined)
        : readInteger(sink, `${path}.httpStatus`, status, 200, 599, 'an HTTP status');
  const abort: AbortFault = { httpStatus: httpStatus ?? 0 };
  const grpc = own(value, 'grpcStatus');
  if (grpc !== undefined && grpc !== null) {
    const grpcStatus = readInteger(sink, `${path}.grpcStatus`, grpc, 0, 16, 'a gRPC status code');
    if (grpcStatus !== undefined) abort.grpcStatus = grpcStatus;
  }
  const body = own(value, 'body');
  if (body !== undefined && body !== null) {
    if (typeof body !== 'string') {
      sink.add(`${path}.body`, `expected a string, found ${describe(body)}`);
    } else if (Buffer.byteLength(body, 'utf8') > LIMITS.abortBodyBytes) {
      sink.add(`${path}.body`, `is ${Buffer.byteLength(body, 'utf8')} bytes (UTF-8), the limit is ${LIMITS.abortBodyBytes}`);
    } else if (body !== '') {
      abort.body = body;
    }
  }
  const headers = own(value, 'headers');
  if (headers !== undefined && headers !== null) {
    const read = readAbortHeaders(sink, `${path}.headers`, headers);
    if (read && Object.keys(read).length > 0) abort.headers = read;
  }
  return sink.count > before ? undefined : abort;
}

function readAbortHeaders(sink: ErrorSink, path: string, value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) {
    sink.add(path, `expected an object {name: value}, found ${describe(value)}`);
    return undefined;
  }
  const names = Object.keys(value);
  if (names.length > LIMITS.abortHeaders) {
    sink.add(path, `has ${names.length} headers, the limit is ${LIMITS.abortHeaders}`);
    return undefined;
  }
  const before = sink.count;
  const entries = new Map<string, string>();
  for (const rawName of names) {
    const where = childPath(path, rawName);
    const name = readHeaderName(sink, where, rawName, { allowPseudo: false });
    const headerValue = value[rawName];
    if (typeof headerValue !== 'string') {
      const hint = typeof headerValue === 'number' || typeof headerValue === 'boolean' ? ' (quote it in YAML)' : '';
      sink.add(where, `expected a string header value${hint}, found ${describe(headerValue)}`);
      continue;
    }
    if (headerValue.length > LIMITS.headerValueLength) {
      sink.add(where, `header value is ${headerValue.length} characters long, the limit is ${LIMITS.headerValueLength}`);
      continue;
    }
    // RFC 9110 field content: visible characters, space, tab and obs-text (bytes 0x80-0xFF). Anything else
    // (CR, LF and NUL above all: header injection) no proxy may send, so it is refused here, not in the data plane.
    const invalidAt = headerValue.search(/[^\t\x20-\x7e\x80-\xff]/);
    if (invalidAt >= 0) {
      const code = headerValue.codePointAt(invalidAt)!.toString(16).toUpperCase().padStart(4, '0');
      sink.add(
        where,
        `header value must be HTTP field content: no CR, LF or NUL, no other control characters and nothing above U+00FF (found U+${code} at position ${invalidAt})`,
      );
      continue;
    }
    if (name === undefined) continue;
    if (FORBIDDEN_ABORT_HEADERS.has(name)) {
      sink.add(where, `header "${name}" cannot be set by an abort (it is managed by the proxy or by HFI)`);
      continue;
    }
    if (entries.has(name)) {
      sink.add(where, `header "${name}" is given twice (names are case-insensitive)`);
      continue;
    }
    entries.set(name, headerValue);
  }
  if (sink.count > before) return undefined;
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
