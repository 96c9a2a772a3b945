// One request interface over app.inject() and over real HTTP, so that every endpoint test runs both ways.
import { metricValue } from '@hfi/testkit';
import type { FastifyInstance } from 'fastify';

interface TestResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json<T = any>(): T;
}

interface RequestOptions {
  body?: unknown;
  /** Sent as is when a string; JSON otherwise. */
  contentType?: string;
  headers?: Record<string, string>;
}

export type TestClient = (method: string, url: string, options?: RequestOptions) => Promise<TestResponse>;

function encode(options: RequestOptions): { payload?: string; headers: Record<string, string> } {
  const headers = { ...(options.headers ?? {}) };
  if (options.body === undefined) return { headers };
  const payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  headers['content-type'] = options.contentType ?? 'application/json';
  return { payload, headers };
}

function response(status: number, headers: Record<string, string>, text: string): TestResponse {
  return { status, headers, text, json: () => JSON.parse(text) };
}

export function injectClient(app: FastifyInstance): TestClient {
  return async (method, url, options = {}) => {
    const { payload, headers } = encode(options);
    const r = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) flat[k] = String(v);
    return response(r.statusCode, flat, r.body);
  };
}

export function httpClient(baseUrl: string): TestClient {
  return async (method, url, options = {}) => {
    const { payload, headers } = encode(options);
    const r = await fetch(baseUrl + url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const flat: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      flat[k] = v;
    });
    return response(r.status, flat, await r.text());
  };
}

/** Listens on a free loopback port; returns the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** One unlabelled metric from /v1/metrics, as a Prometheus scrape would see it; NaN when it is absent. */
export async function metric(call: TestClient, name: string): Promise<number> {
  return metricValue((await call('GET', '/v1/metrics')).text, name);
}
