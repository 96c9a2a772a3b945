// Bounds on what the plugin accepts from the control plane and its configuration. The shared ones are
// generated from @hfi/api (DATA_PLANE_LIMITS, looser than the policy compiler's: they only stop absurd
// input); the last is the plugin's own.

export {
  DELAY_TABLE_SIZE,
  LIMIT_MAX_ACTIVE,
  LIMIT_MAX_FIRST_REQUESTS,
  LIMIT_MAX_PER_SECOND,
  MAX_ABORT_HEADERS,
  MAX_COUNTED_RULES,
  MAX_DELAY_MS,
  MAX_DFA_CELLS,
  MAX_DFA_STATES,
  MAX_HEADERS_PER_RULE,
  MAX_RULE_SET_BYTES,
  MAX_RULES,
  MAX_SCHEDULE_WINDOWS,
  OVERRIDE_ABORT_HEADER,
  OVERRIDE_DELAY_HEADER,
  WIRE_COMPACT_VERSION,
  WIRE_VERSION,
} from './generated/contract';

/** Requests waiting at once per root context; beyond it a faulted request passes undelayed. */
export const MAX_WAITING: i32 = 10_000;
