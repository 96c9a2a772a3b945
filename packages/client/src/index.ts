// Public entry point of @hfi/client: the typed client for HFI's control plane, and helpers for
// resilience tests. The API's shapes are those of the contract (@hfi/api), re-exported here.
export type {
  AppliedPolicy,
  ApplyResult,
  CompiledRuleSet,
  DataPlane,
  DeletedSkippedKey,
  ErrorCode,
  ErrorDetail,
  FaultInjectionPolicy,
  Health,
  PolicyDocument,
  PolicyPhase,
  PolicyStatus,
  PolicyStatusItem,
  PolicyWithStatus,
  Ready,
  StoredPolicy,
} from '@hfi/api';
export { type ApplyOutcome, HfiClient, type HfiClientOptions, type IdentitySelector, type PolicyInput } from './client.js';
export { HfiApiError, type HfiErrorCode, HfiUnreachableError, isHfiError, type UnreachableReason } from './errors.js';
export type { StreamEvent } from './events.js';
export { type AppliedOptions, FaultNotAppliedError, type InjectedFault, type InjectOptions } from './faults.js';
