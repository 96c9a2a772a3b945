// A demo upstream in this process: answers every request 200 (or the status its `x-upstream-status` header asks
// for) with JSON naming the path it got, so a test sees that a request went through the proxy unchanged, and
// keeps the paths it received (did the upstream do the work?).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningUpstream {
  url: string;
  /** The path of every request received, in order. */
  received: string[];
  /** The headers of each of those requests. */
  receivedHeaders: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startUpstream(): Promise<RunningUpstream> {
  const received: string[] = [];
  const receivedHeaders: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    received.push(req.url ?? '');
    receivedHeaders.push(req.headers);
    req.resume();
    req.on('end', () => {
      const asked = Number(req.headers['x-upstream-status']);
      res.writeHead(asked >= 200 && asked <= 599 ? asked : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    receivedHeaders,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
