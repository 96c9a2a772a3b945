// Bounds on untrusted input: every one is refused with a clear error naming the field.
export const LIMITS = {
  nameMaxLength: 63,
  labelsMax: 64,
  rulesPerPolicy: 100,
  headersPerRule: 16,
  abortBodyBytes: 8192,
  abortHeaders: 16,
  headerValueLength: 1024,
  matchValueLength: 1024,
  regexSourceLength: 512,
  dfaMaxStates: 1024,
  dfaMaxCells: 32768,
  maxDelayMs: 3_600_000,
  maxDurationSeconds: 31_536_000,
  haltReasonLength: 1024,
  haltActorLength: 253,
} as const;
