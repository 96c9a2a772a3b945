// The contract's component schemas (those with `$id`): routes refer to them, OpenAPI lists them under
// components.schemas, and checkers resolve references against them.
import type { TSchema } from '@sinclair/typebox';
import { DataPlane, DataPlaneList, DataPlanePollBody } from './dataplane.js';
import { ErrorBody } from './errors.js';
import { Health, Ready } from './health.js';
import { PluginConfig } from './plugin-config.js';
import { FaultInjectionPolicy, PolicyDocument, StoredPolicy } from './policy.js';
import {
  AppliedPolicy,
  DeletedSkippedKey,
  PolicyList,
  PolicyStatus,
  PolicyStatusItem,
  PolicyStatusList,
  PolicyWithStatus,
} from './status.js';
import { CompiledRuleSet } from './wire.js';

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
  CompiledRuleSet,
  DataPlanePollBody,
  DataPlane,
  DataPlaneList,
  Health,
  Ready,
  PluginConfig,
];
