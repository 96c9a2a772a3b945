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
  /** fault.limit.firstRequests */
  maxFirstRequests: 1_000_000_000,
  /** fault.limit.perSecond */
  maxPerSecond: 1_000_000,
  /** fault.maxActive: no more than the plugin's delay queue holds (MAX_WAITING). */
  maxActive: 10_000,
  /** spec.requestOverrides.abortStatuses */
  overrideStatuses: 16,
  /** spec.schedule.cron, as written. */
  scheduleCronLength: 128,
  /**
   * Windows of one scheduled rule in a rule set. With starts at least a minute apart (five cron fields) 128
   * windows last over two hours, longer than the control plane's republishing step (scheduleStepMs).
   */
  scheduleWindows: 128,
  /** How far ahead a rule set's windows reach from the step they were compiled in. */
  scheduleHorizonMs: 24 * 3_600_000,
  /** The control plane recomputes scheduled policies' windows, and republishes, at every multiple of this. */
  scheduleStepMs: 3_600_000,
  /** spec.stopWhen: conditions per policy (and in the server's default guard). */
  stopConditionsPerPolicy: 8,
  /** A stop condition's window: at least the time outcomes take to arrive, at most what the control plane keeps. */
  stopWindowMinMs: 5_000,
  stopWindowMaxMs: 600_000,
  stopWindowDefaultMs: 30_000,
  stopMinRequestsMax: 1_000_000,
  stopMinRequestsDefault: 20,
  priorityMin: -1000,
  priorityMax: 1000,
  /** metadata.version as a client may send it back (the server assigns store revisions). */
  versionMaxLength: 64,
  /** A halt's free text (POST /v1/halt). */
  haltReasonLength: 1024,
  haltActorLength: 253,
  /** A policy as canonical JSON (UTF-8): what is stored and sent back. The API's body limit derives from it. */
  policyBytes: 256 * 1024,
  /** Objects and lists nested in one document, checked while parsing (a policy needs 9, a list of them 11). */
  nestingDepth: 16,
  /** Keys of one object, checked while parsing (labels, the largest, allow 64). */
  objectKeys: 256,
} as const;

export const API_LIMITS = {
  /**
   * Any request body: twice the largest valid policy as canonical JSON (what hfi-cli sends), room for the same
   * policy written as YAML or indented JSON (control-plane test/body-limit.test.ts measures both on the
   * largest policies), not for anything that could not be valid anyway.
   */
  bodyBytes: 2 * LIMITS.policyBytes,
  /** identity.service, identity.namespace, identity.pod of a poll; ?service= and ?namespace=. */
  identityTextLength: 253,
  /** A poll's instance: `<pod>/<vm id>`. */
  instanceLength: 2 * 253,
  epochLength: 64,
  /** Rule counters one poll may carry; the plugin sends no more than this. */
  countedRulesPerPoll: 1000,
  /** The longest the server holds a poll, whatever holdMs asks for. */
  maxHoldMs: 60_000,
  /** Audit entries one GET /v1/audit answers at most, and when ?limit= is not given. */
  auditEntriesPerQuery: 1000,
  auditEntriesDefault: 100,
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
  /** Windows of one rule: what the compiler sends at most. */
  scheduleWindows: LIMITS.scheduleWindows,
} as const;
