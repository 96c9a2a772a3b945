// The contract's component schemas (those with `$id`): routes refer to them, OpenAPI lists them under
// components.schemas, and checkers resolve references against them.
import type { TSchema } from '@sinclair/typebox';
import { AuditEntry, AuditList } from './audit.js';
import { CounterReport, DataPlane, DataPlaneList, DataPlanePollBody } from './dataplane.js';
import { ErrorBody } from './errors.js';
import { Halt, HaltList, HaltRequestBody, Resumed, StoredHalt } from './halt.js';
import { Health, Ready } from './health.js';
import { DataPlaneReportBody, OutcomeReport, Workload, WorkloadList } from './outcomes.js';
import { PluginConfig } from './plugin-config.js';
import { FaultInjectionPolicy, PolicyDocument, StoredPolicy } from './policy.js';
import { DeletedSkippedKey } from './skipped-key.js';
import { AppliedPolicy, PolicyList, PolicyStatus, PolicyStatusItem, PolicyStatusList, PolicyWithStatus } from './status.js';
import { HaltReason, StoredTrip } from './stop-conditions.js';
import { CompactRuleSet, CompiledRuleSet } from './wire.js';

export const COMPONENT_SCHEMAS: readonly TSchema[] = [
  ErrorBody,
  PolicyDocument,
  FaultInjectionPolicy,
  StoredPolicy,
  PolicyStatus,
  AppliedPolicy,
  PolicyWithStatus,
  DeletedSkippedKey,
  PolicyList,
  PolicyStatusItem,
  PolicyStatusList,
  Halt,
  StoredHalt,
  HaltList,
  HaltRequestBody,
  Resumed,
  HaltReason,
  StoredTrip,
  AuditEntry,
  AuditList,
  CompiledRuleSet,
  CompactRuleSet,
  CounterReport,
  DataPlanePollBody,
  DataPlane,
  DataPlaneList,
  OutcomeReport,
  DataPlaneReportBody,
  Workload,
  WorkloadList,
  Health,
  Ready,
  PluginConfig,
];
