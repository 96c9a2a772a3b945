// Waiting on a condition instead of sleeping for a guessed time: `check` is polled until it holds, and the
// wait fails after a generous deadline saying what it waited for.

export interface WaitOptions {
  /** What is awaited, for the failure message; a function is asked at the deadline, to tell what was seen. */
  what: string | (() => string);
  /** Generous, since a loaded machine is slow, and a pass returns at once. */
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Resolves with the milliseconds waited as soon as `check` answers true; throws once `timeoutMs` has passed
 * without that. A check that throws ends the wait with its error (e.g. the process waited on has exited).
 */
export async function waitFor(check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<number> {
  const { what, timeoutMs = 30_000, intervalMs = 25 } = options;
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start >= timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True when `url` answers with a status below 400 within `timeoutMs`; false on any error, so it can be polled. */
export async function answersOk(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** True when the connection to `url` is refused or dropped (the server is gone); an answer or a hang is false. */
export async function refuses(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return false;
  } catch (error) {
    return (error as Error).name !== 'TimeoutError';
  }
}
