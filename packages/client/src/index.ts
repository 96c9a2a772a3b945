// Public entry point of @hfi/client: the typed client for HFI's control plane, and helpers for
// resilience tests. The API's shapes are those of the contract (@hfi/api), re-exported here.
export type {
  AppliedPolicy,
  ApplyResult,
  AuditEntry,
  AuditKind,
  CompiledRuleSet,
  DataPlane,
  DeletedSkippedKey,
  ErrorCode,
  ErrorDetail,
  FaultInjectionPolicy,
  Halt,
  HaltReason,
  Health,
  PolicyDocument,
  PolicyHalt,
  PolicyPhase,
  PolicyStatus,
  PolicyStatusItem,
  PolicyWithStatus,
  Ready,
  StoredHalt,
  StoredPolicy,
  StoredTrip,
  Workload,
  WorkloadList,
} from '@hfi/api';
export { AUDIT_KINDS } from '@hfi/api';
export {
  type ApplyOutcome,
  type AuditFilter,
  type HaltInput,
  type HaltOutcome,
  type HaltSelector,
  HfiClient,
  type HfiClientOptions,
  type IdentitySelector,
  type PolicyInput,
  type ResumeOutcome,
  type WorkloadFilter,
} from './client.js';
export { HfiApiError, type HfiErrorCode, HfiUnreachableError, isHfiError, type UnreachableReason } from './errors.js';
export type { StreamEvent } from './events.js';
export { type AppliedOptions, FaultNotAppliedError, type InjectedFault, type InjectOptions } from './faults.js';
