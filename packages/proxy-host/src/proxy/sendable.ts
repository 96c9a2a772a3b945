// Envoy sends any header value without NUL, CR or LF; Node refuses more (other control characters,
// characters above U+00FF) and throws from writeHead / http.request. A plugin (or a policy it carries)
// may produce such a value: the proxy drops that header and goes on instead of crashing.
import http from 'node:http';

/** The [name, value, ...] pairs of `flat` that Node will send; `dropped` names the others. */
export function sendableHeaders(flat: readonly string[]): { headers: string[]; dropped: string[] } {
  const headers: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    const value = flat[i + 1]!;
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
      headers.push(name, value);
    } catch {
      dropped.push(name);
    }
  }
  return { headers, dropped };
}
