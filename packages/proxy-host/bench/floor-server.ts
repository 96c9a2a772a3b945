// The propagation benchmark's floor: a bare node:http long-poll server in a process of its own. It holds each
// poll until a newer rule set is published (or its hold ends: 304), then answers every held poll in one pass
// with the same bytes, as the control plane does, but with no framework, registry, metrics or validation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FloorMessage =
  | { kind: 'port?' }
  | { kind: 'port'; port: number }
  | { kind: 'publish'; body: string; version: number }
  | { kind: 'published'; at: number }
  | { kind: 'held?' }
  | { kind: 'held'; count: number };

interface Held {
  response: http.ServerResponse;
  timer: NodeJS.Timeout;
}

export async function runFloorServer(): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  let current: { epoch: string; version: number; body: Buffer; headers: string[] } | undefined;
  const held = new Set<Held>();
  const answer = (response: http.ServerResponse): void => {
    response.writeHead(200, current!.headers);
    response.end(current!.body);
  };
  const server = http.createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const poll = JSON.parse(Buffer.concat(chunks).toString()) as { epoch: string; version: number; holdMs: number };
      if (current && (poll.epoch !== current.epoch || poll.version < current.version)) return answer(response);
      const entry: Held = {
        response,
        timer: setTimeout(() => {
          held.delete(entry);
          response.writeHead(304);
          response.end();
        }, poll.holdMs),
      };
      held.add(entry);
      response.on('close', () => {
        if (held.delete(entry)) clearTimeout(entry.timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (m: FloorMessage) => {
    if (m.kind === 'port?') process.send!({ kind: 'port', port: (server.address() as AddressInfo).port } satisfies FloorMessage);
    else if (m.kind === 'held?') process.send!({ kind: 'held', count: held.size } satisfies FloorMessage);
    else if (m.kind === 'publish') {
      const body = Buffer.from(m.body);
      const epoch = (JSON.parse(m.body) as { epoch: string }).epoch;
      current = { epoch, version: m.version, body, headers: ['content-type', 'application/json', 'content-length', String(body.length)] };
      const at = performance.timeOrigin + performance.now();
      for (const entry of [...held]) {
        held.delete(entry);
        clearTimeout(entry.timer);
        answer(entry.response);
      }
      process.send!({ kind: 'published', at } satisfies FloorMessage);
    }
  });
}
