// The rule-set stream (GET /v1/config/stream): server-sent events, parsed with eventsource-parser.
import { createParser } from 'eventsource-parser';

/** One server-sent event. */
export interface StreamEvent {
  /** `update` for a rule set (`message` when the server names none). */
  event: string;
  /** The rule-set version. */
  id: string | undefined;
  /** The whole compiled rule set, as JSON. */
  data: string;
}

/** Yields each event of `body` until it ends or `signal` aborts; `onError` maps a broken stream. */
export async function* streamEvents(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onError: (error: unknown) => Error,
): AsyncGenerator<StreamEvent> {
  const queue: StreamEvent[] = [];
  const parser = createParser({
    onEvent: (message) => queue.push({ event: message.event ?? 'message', id: message.id, data: message.data }),
  });
  const decoder = new TextDecoder();
  // A reader rather than `for await`: not every browser can iterate a ReadableStream (the dashboard bundles this).
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as StreamEvent;
    }
  } catch (error) {
    if (signal.aborted) return;
    throw onError(error);
  } finally {
    reader.releaseLock();
  }
}
