// Small hand-written wire rule sets for behaviour tests.
import type { CompiledRule, CompiledRuleSet } from '@hfi/policy';

export const T0 = 1_763_769_600_000;

export function rule(id: string, over: Partial<CompiledRule> = {}): CompiledRule {
  const [policy = id, index = '0'] = id.split('/');
  return {
    id,
    policy,
    ruleIndex: Number(index),
    priority: 0,
    policyVersion: '1',
    selector: { service: '*', namespace: '*' },
    path: null,
    method: null,
    headers: [],
    perMillion: 1_000_000,
    delayMs: 0,
    abort: null,
    startDelayMs: 0,
    activeFromMs: T0 - 60_000,
    expiresAtMs: 0,
    ...over,
  };
}

export function ruleSet(rules: CompiledRule[], version = 1, epoch = 'e1'): CompiledRuleSet {
  return { wireVersion: 1, epoch, version, hash: '0'.repeat(64), rules };
}

export const abort503 = { status: 503, grpcStatus: -1, body: 'injected', headers: [] as [string, string][] };
