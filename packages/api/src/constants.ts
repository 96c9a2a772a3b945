// The contract's plain values, without a schema library: what code that starts often (hfi-cli through
// @hfi/policy) needs at run time. `@hfi/api/constants` loads no TypeBox.
export { childPath, describe, splitPath } from './describe.js';
export { API_LIMITS, DATA_PLANE_LIMITS, LIMITS } from './limits.js';

export const WIRE_VERSION = 1 as const;
