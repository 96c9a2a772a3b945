// HTTP as raw bytes over a TCP socket, for what a well-behaved client never sends: malformed request lines,
// huge or slow headers, CONNECT. Resolves with everything the server wrote and when it closed the connection.
import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent, as Latin-1 text. */
  response: string;
  /** Status code of the first response line, or 0 when none came. */
  status: number;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

export interface RawOptions {
  /** Sent one after another, `intervalMs` apart, as long as the connection is open (a slow client). */
  chunks?: readonly (string | Buffer)[];
  intervalMs?: number;
  /** Gives up (and fails) if the server has not closed the connection by then. */
  timeoutMs?: number;
}

export function rawExchange(port: number, first: string | Buffer, options: RawOptions = {}): Promise<RawExchange> {
  const { chunks = [], intervalMs = 0, timeoutMs = 30_000 } = options;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = performance.now();
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`the server did not close the connection within ${timeoutMs} ms; it sent: ${Buffer.concat(received).toString('latin1')}`),
      );
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(first);
      let next = 0;
      const drip = (): void => {
        if (next >= chunks.length || socket.destroyed) return;
        socket.write(chunks[next++]!);
        timer = setTimeout(drip, intervalMs);
      };
      if (chunks.length > 0) timer = setTimeout(drip, intervalMs);
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined); // a reset is a close, for this purpose
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(deadline);
      const response = Buffer.concat(received).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);
      resolve({ response, status, closedAfterMs: performance.now() - started });
    });
  });
}

/** The JSON body of a raw response (after the blank line). */
export function rawBody(response: string): unknown {
  const at = response.indexOf('\r\n\r\n');
  return JSON.parse(response.slice(at + 4));
}
