// Public entry of @hfi/cli: the command line as a function, for embedding and in-process tests. The typed
// client it uses is @hfi/client.
export type { CliIo } from './context.js';
export { CliError } from './errors.js';
export { EXIT } from './exit-codes.js';
export { buildProgram, runCli } from './program.js';
