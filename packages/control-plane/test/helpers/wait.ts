// Waiting on a condition instead of sleeping for a guessed time: `check` is polled until it holds, and
// the wait fails after a generous deadline saying what it waited for.

export interface WaitOptions {
  /** What is awaited, for the failure message (a function is asked at the deadline, to tell what was seen). */
  what?: string | (() => string);
  timeoutMs?: number;
  intervalMs?: number;
}

export async function waitFor(check: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { what = 'the condition', timeoutMs = 10_000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
