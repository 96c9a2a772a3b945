// HTTP for the client: one request with a deadline, the answer buffered (or streamed), failures mapped to
// HfiApiError (an answer) or HfiUnreachableError (none). Knows nothing about routes.
import { HfiApiError, HfiUnreachableError, type UnreachableReason } from './errors.js';

export interface TransportOptions {
  server: string;
  token?: string | undefined;
  timeoutMs: number;
  fetch: typeof fetch;
  userAgent?: string | undefined;
}

export interface RequestOptions {
  body?: string;
  contentType?: string;
  query?: Record<string, string | undefined>;
  accept?: string;
  signal?: AbortSignal | undefined;
  /** Keep the deadline only until the headers arrive (the body is a stream). */
  streaming?: boolean;
}

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  get server(): string {
    return this.options.server;
  }

  /** The response of a 2xx or 3xx answer; throws for anything else. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.options.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (options.contentType) headers['content-type'] = options.contentType;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;

    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    let response: Response;
    try {
      response = await this.options.fetch(url, { method, headers, body: options.body, signal });
      if (!options.streaming) {
        // Read the body under the same deadline, then hand back a buffered response.
        const text = await response.text();
        response = new Response(text === '' && nullBodyStatus(response.status) ? null : text, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw this.unreachable(error, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 400) throw await apiError(response);
    return response;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return readJson<T>(await this.request(method, path, options));
  }

  unreachable(error: unknown, timedOut: boolean): HfiUnreachableError {
    const server = this.options.server;
    if (timedOut) return new HfiUnreachableError(server, 'timeout', `no answer within ${formatMs(this.options.timeoutMs)}`);
    const code = causeCode(error);
    const failure: UnreachableReason =
      code === 'ECONNREFUSED'
        ? 'refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'dns'
          : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
            ? 'reset'
            : code === 'UND_ERR_CONNECT_TIMEOUT'
              ? 'timeout'
              : 'other';
    const reasons: Record<UnreachableReason, string> = {
      refused: 'connection refused',
      dns: 'host not found',
      reset: 'connection reset',
      timeout: 'connect timed out',
      other: code ?? deepestMessage(error),
    };
    return new HfiUnreachableError(server, failure, reasons[failure]);
  }
}

export async function readJson<T>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new HfiApiError(
      'HFI_BAD_RESPONSE',
      response.status,
      `the server answered with something that is not JSON: ${text.slice(0, 120)}`,
    );
  }
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}

async function apiError(response: Response): Promise<HfiApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      const details = Array.isArray(body.details) ? body.details.filter(isDetail) : [];
      // A code outside the registry (from a newer server) is kept as it came.
      return new HfiApiError(body.code, response.status, body.message, details);
    }
  } catch {
    // not HFI's error body: fall through
  }
  const message = text.trim() === '' ? `${response.status} ${response.statusText}` : text.trim().slice(0, 200);
  return new HfiApiError('HFI_BAD_RESPONSE', response.status, `not an HFI answer: ${message}`);
}

function isDetail(value: unknown): value is { path: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { path?: unknown }).path === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown[] }).errors; // AggregateError when several addresses failed
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** undici wraps the reason ("bad port", "other side closed") in `cause`; the outer message is just "fetch failed". */
function deepestMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  let message = current?.message ?? String(error);
  for (let depth = 0; depth < 4 && current?.cause instanceof Error; depth += 1) {
    current = current.cause as { message?: string; cause?: unknown };
    message = current.message ?? message;
  }
  return message;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
