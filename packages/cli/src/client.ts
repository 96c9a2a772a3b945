// Typed client for the control plane's REST API. Knows HTTP and the error body; knows nothing about terminals.

import type { FaultInjectionPolicy, HaltRequest, Selector } from '@hfi/policy';
import { createParser } from 'eventsource-parser';
import type { ApplyResult, DataPlane, HaltItem, Health, PolicyStatusItem, PolicyWithStatus, StreamEvent } from './api-types.js';
import { ApiError, type ApiErrorDetail, ConnectionError, type ConnectionFailure } from './errors.js';

export interface ClientOptions {
  /** Base URL, e.g. http://localhost:8080. */
  server: string;
  token?: string | undefined;
  /** Per request; for streams, until the response headers arrive. */
  timeoutMs: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Sent as user-agent. */
  userAgent?: string;
}

export interface ApplyOutcome {
  result: ApplyResult;
  policy: PolicyWithStatus;
}

interface RequestOptions {
  body?: string;
  contentType?: string;
  query?: Record<string, string>;
  accept?: string;
  signal?: AbortSignal;
  /** Keep the timeout only until headers arrive (the body is a stream). */
  streaming?: boolean;
}

export class HfiClient {
  readonly server: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  async health(): Promise<Health> {
    return (await this.json('GET', '/v1/health')) as Health;
  }

  /** Creates or updates one policy. `dryRun` validates on the server and writes nothing. */
  async applyPolicy(policy: FaultInjectionPolicy, dryRun = false): Promise<ApplyOutcome> {
    const response = await this.request('POST', '/v1/policies', {
      body: JSON.stringify(policy),
      contentType: 'application/json',
      ...(dryRun ? { query: { dryRun: 'true' } } : {}),
    });
    const body = (await readJson(response)) as PolicyWithStatus;
    const header = response.headers.get('hfi-result');
    const result: ApplyResult =
      header === 'created' || header === 'configured' || header === 'unchanged'
        ? header
        : response.status === 201
          ? 'created'
          : 'configured';
    return { result, policy: body };
  }

  async listPolicies(): Promise<PolicyWithStatus[]> {
    const body = (await this.json('GET', '/v1/policies')) as { items?: PolicyWithStatus[] };
    return body.items ?? [];
  }

  async getPolicy(name: string): Promise<PolicyWithStatus> {
    return (await this.json('GET', `/v1/policies/${encodeURIComponent(name)}`)) as PolicyWithStatus;
  }

  async deletePolicy(name: string): Promise<PolicyWithStatus | null> {
    const response = await this.request('DELETE', `/v1/policies/${encodeURIComponent(name)}`);
    const text = await response.text();
    return text === '' ? null : (JSON.parse(text) as PolicyWithStatus);
  }

  async policyStatuses(): Promise<PolicyStatusItem[]> {
    const body = (await this.json('GET', '/v1/policies/status')) as { items?: PolicyStatusItem[] };
    return body.items ?? [];
  }

  /** Halts one selector (both fields "*" = everything); `created` is false when it was halted already. */
  async halt(request: Partial<HaltRequest>): Promise<{ halt: HaltItem; created: boolean }> {
    const response = await this.request('POST', '/v1/halt', { body: JSON.stringify(request), contentType: 'application/json' });
    return { halt: (await readJson(response)) as HaltItem, created: response.status === 201 };
  }

  async listHalts(): Promise<HaltItem[]> {
    const body = (await this.json('GET', '/v1/halt')) as { items?: HaltItem[] };
    return body.items ?? [];
  }

  /** Resumes one selector's halt, or every halt; a selector that is not halted is a 404 ApiError. */
  async resume(selector?: Selector): Promise<HaltItem[]> {
    const response = await this.request('DELETE', '/v1/halt', selector ? { query: { ...selector } } : {});
    return (((await readJson(response)) as { items?: HaltItem[] }).items ?? []) as HaltItem[];
  }

  async listDataPlanes(): Promise<DataPlane[]> {
    const body = (await this.json('GET', '/v1/dataplanes')) as { items?: DataPlane[] };
    return body.items ?? [];
  }

  /** Connects to the config stream; the iterable yields each server-sent event until `signal` aborts or the server closes. */
  async openConfigStream(signal: AbortSignal): Promise<AsyncIterable<StreamEvent>> {
    const response = await this.request('GET', '/v1/config/stream', {
      accept: 'text/event-stream',
      signal,
      streaming: true,
    });
    return this.events(response, signal);
  }

  private async *events(response: Response, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const body = response.body;
    if (body === null) return;
    const queue: StreamEvent[] = [];
    const parser = createParser({
      onEvent: (message) => queue.push({ event: message.event ?? 'message', id: message.id, data: message.data }),
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        while (queue.length > 0) yield queue.shift() as StreamEvent;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw this.connectionError(error, false);
    }
  }

  private async json(method: string, path: string): Promise<unknown> {
    return readJson(await this.request(method, path));
  }

  private async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (options.contentType) headers['content-type'] = options.contentType;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method, headers, body: options.body, signal });
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
      throw this.connectionError(error, timeout.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw await apiError(response);
    return response;
  }

  private connectionError(error: unknown, timedOut: boolean): ConnectionError {
    if (timedOut) {
      return new ConnectionError(this.server, 'timeout', `no answer within ${formatMs(this.options.timeoutMs)}`);
    }
    const code = causeCode(error);
    const failure: ConnectionFailure =
      code === 'ECONNREFUSED'
        ? 'refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'dns'
          : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
            ? 'reset'
            : code === 'UND_ERR_CONNECT_TIMEOUT'
              ? 'timeout'
              : 'other';
    const reason =
      failure === 'refused'
        ? 'connection refused'
        : failure === 'dns'
          ? `host not found`
          : failure === 'reset'
            ? 'connection reset'
            : failure === 'timeout'
              ? 'connect timed out'
              : (code ?? deepestMessage(error));
    return new ConnectionError(this.server, failure, reason);
  }
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
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

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(response.status, 'HFI_BAD_RESPONSE', `the server answered with something that is not JSON: ${text.slice(0, 120)}`);
  }
}

async function apiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      const details = Array.isArray(body.details) ? body.details.filter(isDetail) : [];
      return new ApiError(response.status, body.code, body.message, details);
    }
  } catch {
    // not our error body: fall through to a generic one
  }
  const message = text.trim() === '' ? `${response.status} ${response.statusText}` : text.trim().slice(0, 200);
  return new ApiError(response.status, `HTTP_${response.status}`, message);
}

function isDetail(value: unknown): value is ApiErrorDetail {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiErrorDetail).path === 'string' &&
    typeof (value as ApiErrorDetail).message === 'string'
  );
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
