// proxy_http_call targets: named clusters, Envoy's buffered async-client semantics, and the local
// responses Envoy's router produces for timeouts and connect failures (docs/envoy-facts.md E11, E12).
import type { HeaderPair } from './abi/pairs.js';

export interface HttpCallRequest {
  cluster: string;
  method: string;
  path: string;
  authority: string;
  /** Every header pair as the module sent it, keys lower-cased, pseudo-headers included. */
  headers: HeaderPair[];
  body: Uint8Array;
  trailers: HeaderPair[];
  /** 0 = no timeout (Envoy sets none). */
  timeoutMs: number;
}

export interface HttpCallResponse {
  /** Includes `:status`. */
  headers: HeaderPair[];
  body: Uint8Array;
  trailers: HeaderPair[];
}

export type HttpCallOutcome =
  | { kind: 'response'; response: HttpCallResponse }
  /** Stream reset or response over the buffer limit: num_headers = 0, status BrokenConnection "reset". */
  | { kind: 'reset' };

/** A cluster answers one call; `cancel` is called when the caller's context goes away or the call times out. */
export interface Cluster {
  send(request: HttpCallRequest, deliver: (outcome: HttpCallOutcome) => void): { cancel(): void };
}

export type ClusterRegistry = ReadonlyMap<string, Cluster>;

const encoder = new TextEncoder();

/** Envoy's router local reply: `:status`, content-length, content-type text/plain. */
function localReplyResponse(status: number, text: string): HttpCallResponse {
  const body = encoder.encode(text);
  return {
    headers: [
      [':status', String(status)],
      ['content-length', String(body.length)],
      ['content-type', 'text/plain'],
    ],
    body,
    trailers: [],
  };
}

const UPSTREAM_TIMEOUT_TEXT = 'upstream request timeout';
const CONNECT_FAILURE_TEXT = 'upstream connect error or disconnect/reset before headers. reset reason: connection failure';

export const timeoutResponse = (): HttpCallResponse => localReplyResponse(504, UPSTREAM_TIMEOUT_TEXT);
export const connectFailureResponse = (): HttpCallResponse => localReplyResponse(503, CONNECT_FAILURE_TEXT);
