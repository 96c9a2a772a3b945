// A demo service that calls another service, as a frontend calls its backend through its sidecar: every
// request it gets is sent on to `target` (same method and path), and it answers with the callee's status
// and body; 502 when the call fails, 504 when it times out. With `retries`, a failed call or a 5xx answer
// is tried again that many times (the last answer is the one given). `route` maps the request to the call
// (the demo mesh's services call their own paths), `ownMs` is the service's own work before it calls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallingServiceOptions {
  /** Where it listens (0 or absent: a port the OS picks), on 127.0.0.1. */
  port?: number;
  /** The callee's base URL, e.g. its sidecar's. */
  target: string;
  /** Per call; 5 s by default; null: no timeout at all (a caller that waits as long as the callee takes). */
  timeoutMs?: number | null;
  retries?: number;
  /** The call made for a request; the same method and path by default. */
  route?: (request: Call) => Call;
  /** Time spent before calling, as the service's own work. */
  ownMs?: number;
}

export interface Call {
  method: string;
  path: string;
}

export interface RunningCallingService {
  url: string;
  /** Calls made to the target, retries included. */
  calls: number;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
}

export async function startCallingService(options: CallingServiceOptions): Promise<RunningCallingService> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const timeoutMs = options.timeoutMs === null ? undefined : (options.timeoutMs ?? 5_000);
  const route = options.route ?? ((request: Call) => request);
  const running: RunningCallingService = { url: '', calls: 0, close: async () => {} };
  const callOnce = (method: string, path: string): Promise<Answer> =>
    new Promise((resolve) => {
      running.calls++;
      const req = http.request(new URL(path, options.target), { method, agent, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, body }));
        res.on('error', () => resolve({ status: 502, body: 'the callee went away' }));
      });
      req.on('timeout', () => {
        req.destroy();
        resolve({ status: 504, body: 'the callee did not answer in time' });
      });
      req.on('error', () => resolve({ status: 502, body: 'the call failed' }));
      req.end();
    });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      if (options.ownMs) await new Promise((resolve) => setTimeout(resolve, options.ownMs));
      const call = route({ method: req.method ?? 'GET', path: req.url ?? '/' });
      let answer = await callOnce(call.method, call.path);
      for (let i = 0; i < (options.retries ?? 0) && answer.status >= 500; i++) answer = await callOnce(call.method, call.path);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  running.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  running.close = () => {
    agent.destroy();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return running;
}
