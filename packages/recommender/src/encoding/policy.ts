// A candidate becomes the FaultInjectionPolicy of one trial: built from the policy model, checked by validatePolicy.
import { type FaultInjectionPolicy, LIMITS, type RuleMatch, validatePolicy } from '@hfi/policy';
import { faultKind } from '../faults/registry.js';
import type { SearchSpace } from '../space/types.js';
import type { Candidate } from './dimensions.js';
import { KIND_DIMENSION, PERCENTAGE_DIMENSION, type SpaceEncoding, TARGET_DIMENSION } from './space-encoding.js';

/** Labels every trial policy carries, so that a session's policies can be found (and deleted) by label. */
export const LABELS = {
  session: 'recommender.hfi.dev/session',
  trial: 'recommender.hfi.dev/trial',
  space: 'recommender.hfi.dev/space',
} as const;

export interface TrialIdentity {
  sessionId: string;
  /** Counted from 1. */
  trial: number;
}

export function trialPolicyName(identity: TrialIdentity): string {
  return `${identity.sessionId}-t${identity.trial}`;
}

/** The policy of one trial: time-limited to the trial length, so that a crashed recommender leaves nothing running for long. */
export function policyForCandidate(
  space: SearchSpace,
  encoding: SpaceEncoding,
  candidate: Candidate,
  identity: TrialIdentity,
): FaultInjectionPolicy {
  const route = encoding.routes.get(String(candidate[TARGET_DIMENSION]));
  if (!route) throw new Error(`candidate has no known target: ${JSON.stringify(candidate)}`);
  const match: RuleMatch = {
    ...(route.path ? { path: route.path } : {}),
    ...(route.method ? { method: { exact: route.method } } : {}),
  };
  const draft = {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: {
      name: trialPolicyName(identity),
      labels: { [LABELS.session]: identity.sessionId, [LABELS.trial]: String(identity.trial), [LABELS.space]: space.name },
    },
    spec: {
      selector: { service: route.target.service, namespace: route.target.namespace },
      priority: 0,
      ...(space.guards.stopWhen.length > 0 && { stopWhen: stopConditionsOf(space) }),
      rules: [
        {
          ...(Object.keys(match).length > 0 ? { match } : {}),
          fault: {
            percentage: Number(candidate[PERCENTAGE_DIMENSION]),
            ...faultKind(String(candidate[KIND_DIMENSION])).fault(candidate),
            start_delay_ms: 0,
            duration_seconds: space.trialSeconds,
          },
        },
      ],
    },
  };
  const result = validatePolicy(draft);
  if (!result.ok) {
    // A bug of the encoding, not of the user's input: the space was validated against the same limits.
    throw new Error(`internal error: trial policy is invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  return result.policy;
}

/**
 * The space's guards as the policy's `spec.stopWhen`: the control plane halts the trial policy by itself once one
 * holds, judged over the trial length (at least the shortest stop window).
 */
function stopConditionsOf(space: SearchSpace): unknown[] {
  const windowMs = Math.min(LIMITS.stopWindowMaxMs, Math.max(LIMITS.stopWindowMinMs, space.trialSeconds * 1000));
  return space.guards.stopWhen.map((c) => ({
    selector: { service: c.workload.service, namespace: c.workload.namespace },
    ...(c.metric === 'errorRate'
      ? { errorRateAbove: Math.min(100, c.above * 100) }
      : { p99LatencyAboveMs: Math.max(1, Math.round(c.above)) }),
    windowMs,
  }));
}

/** One line for tables: "demo/catalog GET /items* delay 412ms 80%". */
export function summariseCandidate(candidate: Candidate): string {
  const kind = faultKind(String(candidate[KIND_DIMENSION]));
  return `${String(candidate[TARGET_DIMENSION])} ${kind.summary(candidate)} ${String(candidate[PERCENTAGE_DIMENSION])}%`;
}
