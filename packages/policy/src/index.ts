// Public entry point of @hfi/policy. The signatures below are the contract the control plane, the CLI
// and the tests code against; bodies live in the modules they re-export.
export * from './types.js';
export { LIMITS } from './limits.js';
export { parsePolicyDocuments } from './parse.js';
export { validatePolicy } from './validate.js';
export { compilePolicyRules, assembleRuleSet, compileRuleSet, ruleSetForIdentity, serializeRuleSet } from './compile.js';
export { decideFault } from './decide.js';
export { Xorshift64Star } from './random.js';
export { policyTimeWindow, policyPhase, samePolicyContent } from './lifecycle.js';
