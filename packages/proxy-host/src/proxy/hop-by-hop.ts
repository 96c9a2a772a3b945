// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; neither are headers the Connection header names.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

export function endToEndHeaders(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  const named = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const k = rawHeaders[i]!.toLowerCase();
    if (k === 'connection') for (const n of rawHeaders[i + 1]!.split(',')) named.add(n.trim().toLowerCase());
  }
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const k = rawHeaders[i]!.toLowerCase();
    if (HOP_BY_HOP.has(k) || named.has(k)) continue;
    pairs.push([k, rawHeaders[i + 1]!]);
  }
  return pairs;
}
