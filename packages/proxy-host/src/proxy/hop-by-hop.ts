// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; neither are headers the Connection header names.
// Works on Node's flat rawHeaders ([name, value, name, value, ...]) in one pass, without a Set per message.
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

const ONLY_PERSISTENCE = /^\s*(?:keep-alive|close)\s*$/i;

/** What the caller needs from a message's headers, found during the same pass. */
export interface HeaderScan {
  /** Value of a header the caller asked to pick out (first occurrence), by the index given in `pick`. */
  picked: (string | undefined)[];
  contentLength: string | undefined;
  chunked: boolean;
}

/**
 * Appends the end-to-end headers of `raw` (keys lower-cased) to `out`, flat. Keys listed in `pick` are
 * not appended; their first values are returned in `scan.picked` (e.g. host, x-forwarded-for).
 */
export function appendEndToEnd(raw: readonly string[], out: string[], pick: readonly string[]): HeaderScan {
  const scan: HeaderScan = { picked: new Array(pick.length), contentLength: undefined, chunked: false };
  const start = out.length;
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const k = lower(raw[i]!);
    const v = raw[i + 1]!;
    if (HOP_BY_HOP.has(k)) {
      if (k === 'connection') connection = connection === undefined ? v : `${connection},${v}`;
      else if (k === 'transfer-encoding') scan.chunked = true;
      continue;
    }
    if (k === 'content-length' && scan.contentLength === undefined) scan.contentLength = v;
    const p = pick.length ? pick.indexOf(k) : -1;
    if (p >= 0) {
      const prev = scan.picked[p];
      // Repeated x-forwarded-for headers form one list (as Node joins them); otherwise the first wins.
      if (prev === undefined) scan.picked[p] = v;
      else if (k === 'x-forwarded-for') scan.picked[p] = `${prev}, ${v}`;
      continue;
    }
    out.push(k, v);
  }
  // Almost always just "keep-alive" or "close": nothing else to drop, no Set to build.
  if (connection !== undefined && !ONLY_PERSISTENCE.test(connection)) dropNamed(out, start, connection, pick, scan);
  return scan;
}

/** Rare: Connection names extra headers (beyond keep-alive/close); remove them after the fact. */
function dropNamed(out: string[], start: number, connection: string, pick: readonly string[], scan: HeaderScan): void {
  const named = new Set<string>();
  for (const n of connection.split(',')) {
    const t = n.trim().toLowerCase();
    if (t && t !== 'keep-alive' && t !== 'close') named.add(t);
  }
  if (named.size === 0) return;
  let w = start;
  for (let r = start; r < out.length; r += 2) {
    if (named.has(out[r]!)) continue;
    out[w++] = out[r]!;
    out[w++] = out[r + 1]!;
  }
  out.length = w;
  pick.forEach((k, i) => {
    if (named.has(k)) scan.picked[i] = undefined;
  });
}

function lower(k: string): string {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c >= 65 && c <= 90) return k.toLowerCase();
  }
  return k;
}
