// SSE stream of rule sets (the seed's /v1/config/stream): `event: update`, `id: <version>`,
// `data: <the compiled rule set>`; the current set at connect, then every new one; comment
// heartbeats keep proxies from closing an idle stream.
import type { ServerResponse } from 'node:http';
import type { Identity, WireForm } from '@hfi/policy';
import type { RuleSetHub } from './hub.js';

interface Stream {
  response: ServerResponse;
  identity: Identity | undefined;
  form: WireForm;
  /** Events written while the socket's buffer was full. */
  backlog: number;
}

export interface SseOptions {
  heartbeatMs?: number;
  /** A stream whose client falls this many events behind is closed; it reconnects and gets the latest set. */
  bufferSize: number;
  /**
   * A stream with more than this many bytes still queued in its socket when the next event is due is closed:
   * a client that does not read would otherwise keep every rule set it was sent in memory.
   */
  maxQueuedBytes: number;
  /** A slow client was dropped (for one log line and a metric). */
  onDropped?: (dropped: { identity: Identity | undefined; queuedBytes: number; reason: 'bytes' | 'events' }) => void;
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
      for (const stream of this.streams) if (this.keeps(stream)) stream.response.write(': heartbeat\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  open(response: ServerResponse, identity: Identity | undefined, form: WireForm = 'rules'): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream: Stream = { response, identity, form, backlog: 0 };
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
    const served = this.hub.serve(stream.identity, { form: stream.form });
    if (!served || !this.keeps(stream)) return;
    const response = stream.response;
    response.cork();
    response.write(`event: update\nid: ${served.ruleSet.version}\ndata: `);
    response.write(served.body);
    const flushed = response.write('\n\n');
    response.uncork();
    if (!flushed && ++stream.backlog > this.options.bufferSize) this.drop(stream, 'events');
  }

  /** False (and the stream dropped) when its client left more than the byte cap unread. */
  private keeps(stream: Stream): boolean {
    if (stream.response.writableLength <= this.options.maxQueuedBytes) return true;
    this.drop(stream, 'bytes');
    return false;
  }

  private drop(stream: Stream, reason: 'bytes' | 'events'): void {
    if (!this.streams.delete(stream)) return;
    const queuedBytes = stream.response.writableLength;
    stream.response.destroy();
    this.options.onDropped?.({ identity: stream.identity, queuedBytes, reason });
  }
}
