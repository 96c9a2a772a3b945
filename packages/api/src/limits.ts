// Bounds on untrusted input, declared once. The policy validator refuses anything beyond LIMITS with an
// error naming the field; the control plane applies API_LIMITS at its edge; the plugin's own bounds
// (DATA_PLANE_LIMITS) are generated into its AssemblyScript constants and are looser than the compiler's,
// so that they only stop absurd input, never a rule set the control plane produced.

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
  /** fault.limit.firstRequests */
  maxFirstRequests: 1_000_000_000,
  /** fault.limit.perSecond */
  maxPerSecond: 1_000_000,
  /** fault.maxActive: no more than the plugin's delay queue holds (MAX_WAITING). */
  maxActive: 10_000,
  priorityMin: -1000,
  priorityMax: 1000,
  /** metadata.version as a client may send it back (the server assigns store revisions). */
  versionMaxLength: 64,
  /** A halt's free text (POST /v1/halt). */
  haltReasonLength: 1024,
  haltActorLength: 253,
} as const;

export const API_LIMITS = {
  /** Any request body. */
  bodyBytes: 1024 * 1024,
  /** identity.service, identity.namespace, identity.pod of a poll; ?service= and ?namespace=. */
  identityTextLength: 253,
  /** A poll's instance: `<pod>/<vm id>`. */
  instanceLength: 2 * 253,
  epochLength: 64,
  /** Rule counters one poll may carry; the plugin sends no more than this. */
  countedRulesPerPoll: 1000,
  /** The longest the server holds a poll, whatever holdMs asks for. */
  maxHoldMs: 60_000,
} as const;

export const DATA_PLANE_LIMITS = {
  ruleSetBytes: 16 * 1024 * 1024,
  /** 100 policies of LIMITS.rulesPerPolicy rules. */
  rules: 100 * LIMITS.rulesPerPolicy,
  headersPerRule: 4 * LIMITS.headersPerRule,
  abortHeaders: 4 * LIMITS.abortHeaders,
  maxDelayMs: 24 * LIMITS.maxDelayMs,
  /** State ids are u16 and 0xFFFF marks the dead state (docs/wire-format.md "DFA tables"). */
  dfaMaxStates: 0xffff,
  dfaMaxCells: 32 * LIMITS.dfaMaxCells,
  countedRulesPerPoll: API_LIMITS.countedRulesPerPoll,
} as const;
