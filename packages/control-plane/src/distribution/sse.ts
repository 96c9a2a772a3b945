// SSE stream of rule sets (the seed's /v1/config/stream): `event: update`, `id: <version>`,
// `data: <the compiled rule set>`; the current set at connect, then every new one; comment
// heartbeats keep proxies from closing an idle stream.
import type { ServerResponse } from 'node:http';
import type { Identity } from '@hfi/policy';
import type { RuleSetHub } from './hub.js';

interface Stream {
  response: ServerResponse;
  identity: Identity | undefined;
  /** Events written while the socket's buffer was full. */
  backlog: number;
}

export interface SseOptions {
  heartbeatMs?: number;
  /** A stream whose client falls this many events behind is closed; it reconnects and gets the latest set. */
  bufferSize: number;
}

export class RuleSetStreams {
  private readonly streams = new Set<Stream>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly hub: RuleSetHub,
    private readonly options: SseOptions,
  ) {
    this.unsubscribe = hub.subscribe(() => {
      for (const stream of this.streams) this.send(stream);
    });
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.response.write(': heartbeat\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  open(response: ServerResponse, identity: Identity | undefined): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream: Stream = { response, identity, backlog: 0 };
    this.streams.add(stream);
    response.on('close', () => this.streams.delete(stream));
    response.on('drain', () => (stream.backlog = 0));
    response.write(': connected\n\n');
    this.send(stream);
  }

  get count(): number {
    return this.streams.size;
  }

  closeAll(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    for (const stream of this.streams) stream.response.end();
    this.streams.clear();
  }

  private send(stream: Stream): void {
    const served = this.hub.serve(stream.identity);
    if (!served) return;
    const response = stream.response;
    response.cork();
    response.write(`event: update\nid: ${served.ruleSet.version}\ndata: `);
    response.write(served.body);
    const flushed = response.write('\n\n');
    response.uncork();
    if (!flushed && ++stream.backlog > this.options.bufferSize) {
      this.streams.delete(stream);
      stream.response.destroy();
    }
  }
}
