// Time and randomness are injected: only main.ts binds them to the real clock and crypto.
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Returns `bytes` random bytes as lower-case hex. */
export type RandomHex = (bytes: number) => string;
