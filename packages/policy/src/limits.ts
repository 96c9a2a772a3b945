// Bounds on untrusted input: every one is refused with a clear error naming the field. Declared in @hfi/api.
export { LIMITS } from '@hfi/api';
