// The policy bench's policies (10,000 x 3 rules, regexes from a pool or all distinct) and issue 16's size goal for
// their rule set: shared by the bench and the test that holds the compact form to the goal.
import type { FaultInjectionPolicy, StoredPolicy } from '../src/index.js';

export const POLICIES = 10_000;
/** Issue 16: 30,000 rules in < 8 MB of JSON, a data plane's subset smaller in proportion. */
export const SIZE_GOAL = { rules: 30_000, bytes: 8_000_000 } as const;
export const UPDATED_AT = '2025-11-22T00:00:00.000Z';
export const SERVICES = ['frontend', 'cart', 'checkout', 'catalog', 'payments', 'shipping', 'email', 'ads', 'recommend', 'currency'];

const POOL = Array.from({ length: 50 }, (_, i) => `/api/v[0-9]+/r${i}/[a-z0-9-]+(/items/[0-9]+)?`);

export function policyInput(i: number, distinctRegexes: boolean): unknown {
  const pathRegex = distinctRegexes ? `/api/v[0-9]+/p${i}/[a-z0-9-]+(/items/[0-9]+)?` : POOL[i % POOL.length];
  const headerRegex = distinctRegexes ? `tenant-${i}-[0-9]{1,4}` : `tenant-${i % 50}-[0-9]{1,4}`;
  return {
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name: `policy-${i}`, labels: { team: `t${i % 7}` } },
    spec: {
      selector: { service: SERVICES[i % SERVICES.length], namespace: i % 3 === 0 ? '*' : 'demo' },
      priority: i % 5,
      rules: [
        { match: { path: { prefix: `/svc${i}/` }, method: { exact: 'get' } }, fault: { percentage: 10, delay: { fixedDelay: '250ms' } } },
        {
          match: {
            path: { exact: `/svc${i}/health` },
            headers: [
              { name: 'X-User', exact: 'tester' },
              { name: 'x-bypass', present: false },
            ],
          },
          fault: { percentage: 0.5, abort: { httpStatus: 503, headers: { 'Retry-After': '1' } } },
        },
        {
          match: { path: { regex: pathRegex }, headers: [{ name: 'x-tenant', regex: headerRegex }] },
          fault: { percentage: 100, delay_ms: 100, abort: { httpStatus: 500 }, duration_seconds: 600 },
        },
      ],
    },
  };
}

export function toStored(policy: FaultInjectionPolicy, i: number): StoredPolicy {
  return { ...policy, metadata: { ...policy.metadata, version: String(i + 1), createdAt: UPDATED_AT, updatedAt: UPDATED_AT } };
}
