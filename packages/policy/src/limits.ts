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
  /** States of a regex's minimal DFA, and cells of its wire table (states x byte classes). */
  dfaMaxStates: 1024,
  dfaMaxCells: 32768,
  /**
   * States the subset construction may create for one pattern before minimisation. Building costs grow
   * faster than linearly with it (4096 allowed ~1.5 s for one pattern, 2048 allows ~0.3 s): it is the
   * per-pattern bound on the CPU a regex can take; the control plane adds a time budget per request.
   */
  dfaMaxBuildStates: 2048,
  /** Nodes of a pattern's parsed form and of its NFA: the other two per-pattern bounds. */
  regexMaxParseNodes: 10_000,
  nfaMaxNodes: 5_000,
  maxDelayMs: 3_600_000,
  maxDurationSeconds: 31_536_000,
  /** A policy as canonical JSON (UTF-8): what is stored and sent back. The API's body limit derives from it. */
  policyBytes: 256 * 1024,
  /** Objects and lists nested in one document, checked while parsing (a policy needs 9, a list of them 11). */
  nestingDepth: 16,
  /** Keys of one object, checked while parsing (labels, the largest, allow 64). */
  objectKeys: 256,
} as const;
