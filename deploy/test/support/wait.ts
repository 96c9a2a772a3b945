// Waiting for something to become true, with a deadline, instead of sleeping for a fixed time.

interface WaitOptions {
  /** How long to keep trying; generous, since a loaded CI machine is slow, and a pass returns at once. */
  timeoutMs?: number;
  /** Pause between two checks. */
  intervalMs?: number;
  /** Appended to the timeout error, e.g. a child's output. */
  detail?: () => string;
}

/**
 * Resolves as soon as `check` answers true; throws once `timeoutMs` has passed without that. A check that
 * throws ends the wait with its error (e.g. the process being waited on has exited).
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100, detail } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) {
      const more = detail ? `\n${detail()}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}${more}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** True when `url` answers with a status below 400 within `timeoutMs`; false on any error, so it can be polled. */
export async function answersOk(url: string, init: RequestInit = {}, timeoutMs = 2_000): Promise<boolean> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
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
