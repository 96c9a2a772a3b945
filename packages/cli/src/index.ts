// Public entry of @hfi/cli: the typed client, for scripts and tests that talk to the control plane from Node.
export { HfiClient, type ClientOptions, type ApplyOutcome } from './client.js';
export { ApiError, ConnectionError, CliError } from './errors.js';
export { EXIT } from './exit-codes.js';
export { runCli, buildProgram } from './program.js';
export type { CliIo } from './context.js';
export type * from './api-types.js';
