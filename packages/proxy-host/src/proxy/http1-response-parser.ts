// An incremental HTTP/1.1 response parser for the proxy_http_call cluster (ADR 0126 says why it is not
// Node's client): status line, headers, and a body framed by content-length, chunked coding or the close.
// It buffers the whole answer, as Envoy's async client does, and reports it once.
import type { HeaderPair } from '../abi/pairs.js';

/** Envoy's default max_response_headers_kb is 60; the head (status line and headers) is bounded so. */
export const MAX_HEAD_BYTES = 60 * 1024;

export interface ParsedResponse {
  status: number;
  /** Names lower-cased, in the order received. */
  headers: HeaderPair[];
  body: Uint8Array;
  trailers: HeaderPair[];
  /** The connection may carry another request. */
  keepAlive: boolean;
}

export type ParseResult =
  | { kind: 'more' }
  | { kind: 'done'; response: ParsedResponse }
  /** Malformed or over a limit; `afterHead`: the status line and headers had been read. */
  | { kind: 'error'; reason: string; afterHead: boolean };

type Framing = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;[^\r\n]*)?$/;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

export class ResponseParser {
  private pending: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: HeaderPair[]; keepAlive: boolean } | null = null;
  private framing: Framing = { kind: 'none' };
  private chunks: Uint8Array[] = [];
  private size = 0;
  private chunkState: 'size' | 'data' | 'data-end' | 'trailers' = 'size';
  private chunkRemaining = 0;
  private trailers: HeaderPair[] = [];
  private finished = false;

  constructor(
    /** A HEAD request's answer has no body whatever its headers say. */
    private readonly headRequest: boolean,
    private readonly maxBodyBytes: number,
  ) {}

  /** Feeds the next bytes read; after `done` or `error` nothing more is accepted. */
  push(data: Buffer): ParseResult {
    if (this.finished) return this.fail('bytes after the response');
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    return this.run();
  }

  /** The status line and headers of the final answer have been read. */
  get headRead(): boolean {
    return this.head !== null;
  }

  /** The connection ended (EOF): completes a body framed by the close, otherwise the answer was cut short. */
  end(): ParseResult {
    if (this.finished) return { kind: 'more' };
    if (this.head && this.framing.kind === 'close') return this.complete(false);
    return this.fail('the connection closed before the response was complete');
  }

  private run(): ParseResult {
    for (;;) {
      if (!this.head) {
        const at = this.pending.indexOf(HEAD_END);
        if (at === -1)
          return this.pending.length > MAX_HEAD_BYTES ? this.fail(`response head over ${MAX_HEAD_BYTES} bytes`) : { kind: 'more' };
        if (at + 4 > MAX_HEAD_BYTES) return this.fail(`response head over ${MAX_HEAD_BYTES} bytes`);
        const text = this.pending.toString('latin1', 0, at);
        this.pending = this.pending.subarray(at + 4);
        const error = this.readHead(text);
        if (error) return this.fail(error);
        if (!this.head) continue; // an interim (1xx) answer was skipped
      }
      return this.readBody();
    }
  }

  /** Sets `head` and `framing` (or leaves `head` null for an interim answer); returns an error reason. */
  private readHead(text: string): string | undefined {
    const lines = text.split('\r\n');
    const status = STATUS_LINE.exec(lines[0]!);
    if (!status) return 'malformed status line';
    const code = Number(status[2]);
    const headers: HeaderPair[] = [];
    let contentLength: number | undefined;
    let transferEncoding: string | undefined;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) return 'malformed header line';
      const name = line.slice(0, colon);
      if (!TOKEN.test(name)) return 'malformed header name';
      const value = line.slice(colon + 1).trim();
      const key = name.toLowerCase();
      headers.push([key, value]);
      if (key === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (contentLength !== undefined && contentLength !== Number(value))) return 'bad content-length';
        contentLength = Number(value);
      } else if (key === 'transfer-encoding') transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
      else if (key === 'connection') connection += `,${value.toLowerCase()}`;
    }
    if (code < 200) {
      if (code === 101) return 'unexpected protocol switch';
      return undefined; // 100 Continue, 103 Early Hints: the answer follows
    }
    const http11 = status[1] === '1';
    const tokens = connection.split(',').map((t) => t.trim());
    this.head = { status: code, headers, keepAlive: http11 ? !tokens.includes('close') : tokens.includes('keep-alive') };
    if (this.headRequest || code === 204 || code === 304) this.framing = { kind: 'none' };
    else if (transferEncoding !== undefined) {
      // Chunked as the last coding frames the body; any other coding leaves it to the close (RFC 9112 §6.3).
      const last = transferEncoding.split(',').pop()!.trim().toLowerCase();
      this.framing = last === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
    } else if (contentLength !== undefined) {
      if (contentLength > this.maxBodyBytes) return `response body over ${this.maxBodyBytes} bytes`;
      this.framing = { kind: 'length', remaining: contentLength };
    } else this.framing = { kind: 'close' };
    return undefined;
  }

  private readBody(): ParseResult {
    const framing = this.framing;
    switch (framing.kind) {
      case 'none':
        return this.pending.length > 0 ? this.fail('bytes after the response') : this.complete(this.head!.keepAlive);
      case 'length': {
        const take = Math.min(framing.remaining, this.pending.length);
        if (take > 0) this.take(take);
        framing.remaining -= take;
        if (framing.remaining > 0) return { kind: 'more' };
        return this.pending.length > 0 ? this.fail('bytes after the response') : this.complete(this.head!.keepAlive);
      }
      case 'close': {
        if (this.pending.length > 0) this.take(this.pending.length);
        return this.size > this.maxBodyBytes ? this.fail(`response body over ${this.maxBodyBytes} bytes`) : { kind: 'more' };
      }
      case 'chunked':
        return this.readChunks();
    }
  }

  private readChunks(): ParseResult {
    for (;;) {
      if (this.chunkState === 'data') {
        const take = Math.min(this.chunkRemaining, this.pending.length);
        if (take > 0) this.take(take);
        this.chunkRemaining -= take;
        if (this.chunkRemaining > 0) return { kind: 'more' };
        this.chunkState = 'data-end';
        continue;
      }
      const eol = this.pending.indexOf(CRLF);
      if (eol === -1) return this.pending.length > MAX_HEAD_BYTES ? this.fail('chunk line too long') : { kind: 'more' };
      const line = this.pending.toString('latin1', 0, eol);
      this.pending = this.pending.subarray(eol + 2);
      if (this.chunkState === 'data-end') {
        if (line !== '') return this.fail('malformed chunk end');
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        const size = CHUNK_SIZE.exec(line);
        if (!size) return this.fail('malformed chunk size');
        const n = Number.parseInt(size[1]!, 16);
        if (this.size + n > this.maxBodyBytes) return this.fail(`response body over ${this.maxBodyBytes} bytes`);
        if (n === 0) this.chunkState = 'trailers';
        else {
          this.chunkRemaining = n;
          this.chunkState = 'data';
        }
      } else {
        if (line === '') return this.pending.length > 0 ? this.fail('bytes after the response') : this.complete(this.head!.keepAlive);
        const colon = line.indexOf(':');
        if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) return this.fail('malformed trailer line');
        this.trailers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
      }
    }
  }

  /** Moves `n` bytes of `pending` into the body; an answer read in one chunk keeps a view, not a copy. */
  private take(n: number): void {
    this.chunks.push(this.pending.subarray(0, n));
    this.size += n;
    this.pending = this.pending.subarray(n);
  }

  private complete(keepAlive: boolean): ParseResult {
    this.finished = true;
    const head = this.head!;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    return { kind: 'done', response: { status: head.status, headers: head.headers, body, trailers: this.trailers, keepAlive } };
  }

  private fail(reason: string): ParseResult {
    this.finished = true;
    return { kind: 'error', reason, afterHead: this.head !== null };
  }
}
