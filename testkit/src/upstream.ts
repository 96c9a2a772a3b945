// A demo upstream in this process: answers every request 200 with JSON naming the path it got, so a test
// sees that a request went through the proxy unchanged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningUpstream {
  url: string;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<RunningUpstream> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
