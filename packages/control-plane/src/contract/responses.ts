// Pieces every route's schema shares.
import { ErrorBody, ref } from '@hfi/api';

/** Every route may answer an error body (4xx for the request, 5xx for the server or its store). */
export const ERROR_RESPONSES = { '4xx': ref(ErrorBody), '5xx': ref(ErrorBody) } as const;

/** Routes that need a bearer token once one is configured (docs/api.md "Authentication"). */
export const BEARER = [{ bearer: [] }];

/**
 * A body the route sends pre-serialised (a cached JSON string or buffer, for speed), typed as the
 * schema it documents: Fastify sends strings and buffers with a JSON content type unchanged.
 */
export function preSerialized<T>(json: string | Buffer): T {
  return json as unknown as T;
}
