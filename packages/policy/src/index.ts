// Public entry point of @hfi/policy. The signatures below are the contract the control plane, the CLI
// and the tests code against; bodies live in the modules they re-export.

export {
  assembleRuleSet,
  compilePolicyRules,
  compileRuleSet,
  type RuleSetHeader,
  ruleSetForIdentity,
  serializeRuleSet,
} from './compile.js';
export { decideFault } from './decide.js';
export { childPath, describe, ErrorSink, isRecord, own, rejectUnknownKeys } from './errors.js';
export { CountedFaults } from './faults/limit.js';
export { describeFault, FAULT_KINDS } from './faults/registry.js';
export { byHaltSelector, haltCovers, haltScope, validateHaltRequest } from './halt.js';
export { policyPhase, policyTimeWindow, samePolicyContent } from './lifecycle.js';
export { LIMITS } from './limits.js';
export { parsePolicyDocuments } from './parse.js';
export { Xorshift64Star } from './random.js';
export * from './types.js';
export { validatePolicy } from './validate.js';
