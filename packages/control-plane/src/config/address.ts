// Listen addresses: "host", "host:port", "[::1]:port"; and whether a host is loopback-only.
export interface ListenAddress {
  host: string;
  port?: number;
}

export function parseListenAddress(text: string): ListenAddress | undefined {
  const s = text.trim();
  if (s === '' || s.includes('/')) return undefined;
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) return withPort(bracketed[1]!, bracketed[2]);
  const colons = s.split(':').length - 1;
  if (colons > 1) return { host: s }; // a bare IPv6 address
  const [host, port] = s.split(':');
  if (!host) return undefined;
  if (!/^[A-Za-z0-9.-]+$/.test(host)) return undefined;
  return withPort(host, port);
}

function withPort(host: string, port: string | undefined): ListenAddress | undefined {
  if (port === undefined) return { host };
  const n = parsePort(port);
  return n === undefined ? undefined : { host, port: n };
}

export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** True when only this machine can reach a server bound to `host`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
