// Public entry point of @hfi/api: HFI's API and wire contract, declared once as JSON Schema (TypeBox).
// Types are derived from the schemas (`Static<typeof Schema>`), so a shape cannot drift from its type.

export * from './audit.js';
export { COMPONENT_SCHEMAS } from './components.js';
export * from './constants.js';
export * from './dataplane.js';
export * from './errors.js';
export * from './faults/delay.js';
export * from './faults/limit.js';
export * from './faults/overrides.js';
export * from './faults/phase.js';
export * from './faults/reset.js';
export * from './faults/schedule.js';
export * from './halt.js';
export * from './health.js';
export * from './outcomes.js';
export * from './plugin-config.js';
export * from './policy.js';
export * from './requests.js';
export { ref } from './schema.js';
export * from './skipped-key.js';
export * from './status.js';
export * from './stop-conditions.js';
export { type Checker, compileChecker } from './validation.js';
export * from './wire.js';
