// A small HTTP client for tests: the whole answer as text, and how long it took. Over one keep-alive agent,
// so that thousands of requests do not use up ephemeral ports; closeAgent() lets the test process exit.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** From sending the request to the end of the answer. */
  ms: number;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export function closeAgent(): void {
  agent.destroy();
}
