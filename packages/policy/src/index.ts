// Public entry point of @hfi/policy. The signatures below are the contract the control plane, the CLI
// and the tests code against; bodies live in the modules they re-export.

export { compactRuleSet, expandRuleSet, serializeCompactRuleSet } from './compact.js';
export {
  assembleRuleSet,
  type CompileOptions,
  compilePolicyRules,
  compileRuleSet,
  inlineRuleSet,
  policyRegexSources,
  type RuleSetHeader,
  ruleSetForIdentity,
  serializeRuleSet,
} from './compile.js';
export { decideFault } from './decide.js';
export { childPath, describe, ErrorSink, isRecord, own, rejectUnknownKeys } from './errors.js';
export { CountedFaults } from './faults/limit.js';
export { describeOverrides } from './faults/overrides.js';
export { responseFaulted } from './faults/phase.js';
export { describeFault, FAULT_KINDS } from './faults/registry.js';
export { byHaltSelector, haltCovers, haltScope, validateHaltRequest } from './halt.js';
export { policyPhase, policyTimeWindow, samePolicyContent } from './lifecycle.js';
export { LIMITS } from './limits.js';
export { type PolicyTextFormat, parsePolicyDocuments } from './parse/documents.js';
export { type JsonShapeLimits, readJson, readPlainJson } from './parse/json.js';
export { Xorshift64Star } from './random.js';
export { buildRegex, compileRegex, RegexCache, type RegexResult } from './regex/dfa.js';
export { describeSchedule, inWindow, type Schedule, scheduleAt, scheduleStep, scheduleWindows } from './schedule.js';
export { describeStopCondition, stopConditionHolds, validateStopWhen } from './stop-conditions.js';
export * from './types.js';
export { type RegexCheck, type ValidateOptions, validatePolicy } from './validate.js';
export { serializeRuleSetAs, type WireForm, wireFormFor } from './wire-forms.js';
