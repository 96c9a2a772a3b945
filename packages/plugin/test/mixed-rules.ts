// A large rule set of mixed matchers, as the memory and scale tests load it.
import { compileRuleSet, type Rule, type StoredPolicy, serializeRuleSetAs, type WireForm } from '@hfi/policy';

const UPDATED = '2025-11-21T00:00:00Z';
const FAULT = { percentage: 100, abort: { httpStatus: 503 }, start_delay_ms: 0, duration_seconds: 0 };

/**
 * `n` rules (policies of 100) mixing prefix `/v<version>svc<i>/`, exact `/exact/<i>` + method, regex
 * `/r<i>/v[0-9]+/.*` and `prefix /` + an exact `x-tenant`; every rule aborts with 503. As wire JSON in `form` (default
 * the compact form this plugin is sent).
 */
export function mixedRuleSet(n: number, version: number, form: WireForm = 'compact'): string {
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) rules.push({ match: { path: { prefix: `/v${version}svc${i}/` } }, fault: FAULT });
    else if (kind === 1) rules.push({ match: { path: { exact: `/exact/${i}` }, method: { exact: 'POST' } }, fault: FAULT });
    else if (kind === 2) rules.push({ match: { path: { regex: `/r${i}/v[0-9]+/.*` } }, fault: FAULT });
    else rules.push({ match: { path: { prefix: '/' }, headers: [{ name: 'x-tenant', exact: `t${i}` }] }, fault: FAULT });
  }
  const policies: StoredPolicy[] = [];
  for (let i = 0; i < n; i += 100) {
    policies.push({
      apiVersion: 'v1',
      kind: 'FaultInjectionPolicy',
      metadata: { name: `p${String(i).padStart(5, '0')}`, version: '1', createdAt: UPDATED, updatedAt: UPDATED },
      spec: { selector: { service: '*', namespace: '*' }, priority: 0, rules: rules.slice(i, i + 100) },
    });
  }
  return serializeRuleSetAs(compileRuleSet(policies, { epoch: 'mem', version }), form);
}
