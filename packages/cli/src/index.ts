// Public entry of @hfi/cli: the typed client, for scripts and tests that talk to the control plane from Node.

export type * from './api-types.js';
export { type ApplyOutcome, type ClientOptions, HfiClient } from './client.js';
export type { CliIo } from './context.js';
export { ApiError, CliError, ConnectionError } from './errors.js';
export { EXIT } from './exit-codes.js';
export { buildProgram, runCli } from './program.js';
