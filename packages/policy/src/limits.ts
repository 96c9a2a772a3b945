// Bounds on untrusted input: every one is refused with a clear error naming the field. Declared in @hfi/api (its constants entry: no schema library to load).
export { LIMITS } from '@hfi/api/constants';
