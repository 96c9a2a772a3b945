// Bounds on what the plugin accepts from the control plane and its configuration. Generous compared
// with the policy compiler's own limits (packages/policy/src/limits.ts): they only stop absurd input.

export const WIRE_VERSION: i32 = 1;
export const MAX_RULE_SET_BYTES: u32 = 16 * 1024 * 1024;
export const MAX_RULES: i32 = 10_000;
export const MAX_HEADERS_PER_RULE: i32 = 64;
export const MAX_ABORT_HEADERS: i32 = 64;
export const MAX_DELAY_MS: i64 = 24 * 3_600_000;
export const MAX_DFA_STATES: i32 = 65_535;
export const MAX_DFA_CELLS: i32 = 1 << 20;
/** Requests waiting at once per root context; beyond it a faulted request passes undelayed. */
export const MAX_WAITING: i32 = 10_000;
/** Rules named in one counters report (~100 bytes each, so a poll stays far below the server's 1 MiB body limit). */
export const MAX_REPORTED_RULES: i32 = 2_000;
/** Bounds of fault_lease_sec: a lease must leave a hold of at least one second (half the lease). */
export const MIN_LEASE_SEC: f64 = 2;
export const MAX_LEASE_SEC: f64 = 86_400;
