// Golden fixtures for the data plane's conformance tests (packages/policy/testdata/wire/*.json): rule sets from the
// compiler, request cases, and the decisions of the reference decideFault. See testdata/wire/README.md.

import type { Decision, Identity, RequestFacts, StoredPolicy } from '../src/index.js';
import {
  CountedFaults,
  compactRuleSet,
  compileRuleSet,
  decideFault,
  responseFaulted,
  validatePolicy,
  Xorshift64Star,
} from '../src/index.js';

const UPDATED_AT_MS = Date.parse('2025-11-22T00:00:00.000Z');
const NOW = UPDATED_AT_MS + 1_000;

interface CaseInput {
  name: string;
  /** upstreamStatus: the upstream answers at once with it (what a response-phase rule sees); default 200. */
  request: { method?: string; path: string; headers?: [string, string][]; upstreamStatus?: number };
  nowMs?: number;
}

interface FixtureInput {
  file: string;
  description: string;
  policies: { input: unknown; updatedAtMs?: number }[];
  identity: Identity;
  seed: bigint;
  cases: CaseInput[];
}

function storedPolicy(input: unknown, updatedAtMs: number, version: number): StoredPolicy {
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(`fixture policy invalid: ${JSON.stringify(result.errors)}`);
  const stamp = new Date(updatedAtMs).toISOString();
  return { ...result.policy, metadata: { ...result.policy.metadata, version: String(version), createdAt: stamp, updatedAt: stamp } };
}

const p = (name: string, rules: unknown[], spec: Record<string, unknown> = {}): unknown => ({
  metadata: { name },
  spec: { ...spec, rules },
});
const always = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  percentage: 100,
  abort: { httpStatus: 503 },
  ...extra,
});
const get = (path: string, headers: [string, string][] = []): CaseInput['request'] => ({ method: 'GET', path, headers });

const FIXTURES: FixtureInput[] = [
  {
    file: 'path-matching.json',
    description: 'exact, prefix and whole-value regex path matches; the query string is ignored',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 1n,
    policies: [
      { input: p('exact', [{ match: { path: { exact: '/health' } }, fault: always({ abort: { httpStatus: 500 } }) }], { priority: 3 }) },
      { input: p('prefix', [{ match: { path: { prefix: '/api/v1/' } }, fault: always({ abort: { httpStatus: 501 } }) }], { priority: 2 }) },
      {
        input: p('regex', [{ match: { path: { regex: '/users/[0-9]+(/orders)?' } }, fault: always({ abort: { httpStatus: 502 } }) }], {
          priority: 1,
        }),
      },
      { input: p('anchored', [{ match: { path: { regex: '^/static/.*\\.(css|js)$' } }, fault: always({ abort: { httpStatus: 504 } }) }]) },
    ],
    cases: [
      { name: 'exact', request: get('/health') },
      { name: 'exact ignores the query', request: get('/health?verbose=1') },
      { name: 'exact needs the whole path', request: get('/health/') },
      { name: 'prefix', request: get('/api/v1/items') },
      { name: 'prefix equal to the path', request: get('/api/v1/') },
      { name: 'prefix not matched', request: get('/api/v2/items') },
      { name: 'query does not count towards a prefix', request: get('/api?/api/v1/') },
      { name: 'regex', request: get('/users/42') },
      { name: 'regex optional group', request: get('/users/42/orders') },
      { name: 'regex is a whole-value match', request: get('/users/42/orders/7') },
      { name: 'regex with query', request: get('/users/7?x=/users/8') },
      { name: 'anchored regex', request: get('/static/app.js') },
      { name: 'anchored regex, no match', request: get('/static/app.jsx') },
      { name: 'nothing matches', request: get('/') },
    ],
  },
  {
    file: 'method-and-headers.json',
    description: 'method exact/prefix/regex; header exact/prefix/regex/present/absent on the first value',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 2n,
    policies: [
      {
        input: p('method-exact', [
          { match: { method: { exact: 'delete' }, path: { prefix: '/m' } }, fault: always({ abort: { httpStatus: 500 } }) },
        ]),
      },
      {
        input: p('method-prefix', [
          { match: { method: { prefix: 'P' }, path: { prefix: '/m' } }, fault: always({ abort: { httpStatus: 501 } }) },
        ]),
      },
      {
        input: p('method-regex', [
          { match: { method: { regex: 'GET|HEAD' }, path: { prefix: '/m' } }, fault: always({ abort: { httpStatus: 502 } }) },
        ]),
      },
      {
        input: p('headers', [
          {
            match: {
              path: { prefix: '/h' },
              headers: [
                { name: 'X-User', exact: 'tester' },
                { name: 'user-agent', prefix: 'curl/' },
                { name: 'x-tenant', regex: 'tenant-[0-9]{1,3}' },
                { name: 'x-request-id', present: true },
                { name: 'x-hfi-bypass', present: false },
              ],
            },
            fault: always({ abort: { httpStatus: 418 } }),
          },
        ]),
      },
      {
        input: p('latin1', [
          {
            match: { path: { prefix: '/u' }, headers: [{ name: 'x-name', regex: 'caf(e|\\xC3\\xA9)' }] },
            fault: always({ abort: { httpStatus: 503 } }),
          },
        ]),
      },
    ],
    cases: [
      { name: 'method exact (upper-cased at validation)', request: { method: 'DELETE', path: '/m' } },
      { name: 'method is case-sensitive', request: { method: 'delete', path: '/m' } },
      { name: 'method prefix', request: { method: 'PATCH', path: '/m' } },
      { name: 'method regex', request: { method: 'HEAD', path: '/m' } },
      { name: 'method regex is whole-value', request: { method: 'GETX', path: '/m' } },
      {
        name: 'all header conditions hold',
        request: get('/h', [
          ['x-user', 'tester'],
          ['user-agent', 'curl/8.5'],
          ['x-tenant', 'tenant-12'],
          ['x-request-id', 'r1'],
        ]),
      },
      {
        name: 'absent header present',
        request: get('/h', [
          ['x-user', 'tester'],
          ['user-agent', 'curl/8.5'],
          ['x-tenant', 'tenant-12'],
          ['x-request-id', 'r1'],
          ['x-hfi-bypass', '1'],
        ]),
      },
      {
        name: 'present header missing',
        request: get('/h', [
          ['x-user', 'tester'],
          ['user-agent', 'curl/8.5'],
          ['x-tenant', 'tenant-12'],
        ]),
      },
      {
        name: 'exact on a missing header',
        request: get('/h', [
          ['user-agent', 'curl/8.5'],
          ['x-tenant', 'tenant-12'],
          ['x-request-id', 'r1'],
        ]),
      },
      {
        name: 'only the first value counts',
        request: get('/h', [
          ['x-user', 'other'],
          ['x-user', 'tester'],
          ['user-agent', 'curl/8.5'],
          ['x-tenant', 'tenant-12'],
          ['x-request-id', 'r1'],
        ]),
      },
      {
        name: 'first value holds, later differs',
        request: get('/h', [
          ['x-user', 'tester'],
          ['x-user', 'other'],
          ['user-agent', 'curl/8.5'],
          ['x-tenant', 'tenant-12'],
          ['x-request-id', 'r1'],
        ]),
      },
      {
        name: 'header regex whole-value',
        request: get('/h', [
          ['x-user', 'tester'],
          ['user-agent', 'curl/8.5'],
          ['x-tenant', 'tenant-1234'],
          ['x-request-id', 'r1'],
        ]),
      },
      { name: 'non-ASCII value: UTF-8 bytes read as Latin-1', request: get('/u', [['x-name', 'café']]) },
      { name: 'ASCII alternative', request: get('/u', [['x-name', 'cafe']]) },
    ],
  },
  {
    file: 'selectors-known-identity.json',
    description: 'selectors against a data plane that knows its service and namespace',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 3n,
    policies: [
      { input: p('a-cart', [{ fault: always({ abort: { httpStatus: 500 } }) }], { selector: { service: 'cart' }, priority: 9 }) },
      {
        input: p('b-prod', [{ fault: always({ abort: { httpStatus: 501 } }) }], {
          selector: { service: 'frontend', namespace: 'prod' },
          priority: 8,
        }),
      },
      {
        input: p('c-frontend-demo', [{ match: { path: { prefix: '/fd' } }, fault: always({ abort: { httpStatus: 502 } }) }], {
          selector: { service: 'frontend', namespace: 'demo' },
          priority: 7,
        }),
      },
      {
        input: p('d-any-demo', [{ match: { path: { prefix: '/d' } }, fault: always({ abort: { httpStatus: 503 } }) }], {
          selector: { namespace: 'demo' },
          priority: 6,
        }),
      },
      { input: p('e-everyone', [{ fault: always({ abort: { httpStatus: 504 } }) }]) },
    ],
    cases: [
      { name: 'service and namespace selector', request: get('/fd') },
      { name: 'namespace-only selector', request: get('/d') },
      { name: 'wildcard policy; other services and namespaces skipped', request: get('/') },
    ],
  },
  {
    file: 'selectors-unknown-identity.json',
    description: 'a data plane that could not determine its identity applies only "*" selectors',
    identity: { service: null, namespace: null },
    seed: 4n,
    policies: [
      { input: p('a-frontend', [{ fault: always({ abort: { httpStatus: 500 } }) }], { selector: { service: 'frontend' }, priority: 1 }) },
      { input: p('b-demo', [{ fault: always({ abort: { httpStatus: 501 } }) }], { selector: { namespace: 'demo' }, priority: 1 }) },
      { input: p('c-everyone', [{ match: { path: { exact: '/all' } }, fault: always({ abort: { httpStatus: 502 } }) }]) },
    ],
    cases: [
      { name: 'only the wildcard policy applies', request: get('/all') },
      { name: 'nothing else matches', request: get('/other') },
    ],
  },
  {
    file: 'time-windows.json',
    description: 'activeFromMs <= now < expiresAtMs; an expired rule does not shadow later rules; an update restarts the window',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 5n,
    policies: [
      { input: p('a-ten-seconds', [{ fault: always({ abort: { httpStatus: 500 }, duration_seconds: 10 }) }], { priority: 2 }) },
      {
        input: p('b-updated-later', [{ fault: always({ abort: { httpStatus: 501 }, duration_seconds: 60 }) }], { priority: 1 }),
        updatedAtMs: UPDATED_AT_MS + 30_000,
      },
      { input: p('c-forever', [{ fault: always({ abort: { httpStatus: 502 } }) }]) },
    ],
    cases: [
      { name: 'before the write: nothing is active', request: get('/'), nowMs: UPDATED_AT_MS - 1 },
      { name: 'first instant of the window', request: get('/'), nowMs: UPDATED_AT_MS },
      { name: 'last millisecond of the window', request: get('/'), nowMs: UPDATED_AT_MS + 9_999 },
      { name: 'window over: next rule', request: get('/'), nowMs: UPDATED_AT_MS + 10_000 },
      { name: 'later-written policy now active', request: get('/'), nowMs: UPDATED_AT_MS + 30_000 },
      { name: 'its window counts from its own write', request: get('/'), nowMs: UPDATED_AT_MS + 89_999 },
      { name: 'both windows over', request: get('/'), nowMs: UPDATED_AT_MS + 90_000 },
    ],
  },
  {
    file: 'priorities-first-match.json',
    description: 'priority desc, then policy name, then rule index; the first matching rule decides, with no fall-through',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 6n,
    policies: [
      { input: p('zeta', [{ match: { path: { prefix: '/p' } }, fault: always({ abort: { httpStatus: 500 } }) }], { priority: 10 }) },
      {
        input: p('alpha', [
          { match: { path: { prefix: '/a' } }, fault: always({ abort: { httpStatus: 501 } }) },
          { match: { path: { prefix: '/' } }, fault: always({ abort: { httpStatus: 502 } }) },
        ]),
      },
      { input: p('beta', [{ match: { path: { prefix: '/' } }, fault: always({ abort: { httpStatus: 503 } }) }]) },
      {
        input: p('gate', [{ match: { path: { prefix: '/gate' } }, fault: { percentage: 0, abort: { httpStatus: 504 } } }], {
          priority: 20,
        }),
      },
    ],
    cases: [
      { name: 'highest priority first', request: get('/p/a') },
      { name: 'same priority: policy name order, then rule index', request: get('/q') },
      { name: 'rule index order within a policy', request: get('/a/x') },
      { name: 'a 0% first match decides "pass" (no fall-through)', request: get('/gate') },
    ],
  },
  {
    file: 'percentages.json',
    description: 'per-million draws from xorshift64* seeded once; a draw only when 0 < perMillion < 1000000',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0x1234_5678_9abc_def0n,
    policies: [
      { input: p('zero', [{ match: { path: { exact: '/zero' } }, fault: { percentage: 0, delay_ms: 10 } }]) },
      { input: p('full', [{ match: { path: { exact: '/full' } }, fault: { percentage: 100, delay_ms: 20 } }]) },
      {
        input: p('half', [
          {
            match: { path: { exact: '/half' } },
            fault: {
              percentage: 50,
              delay_ms: 30,
              abort: { httpStatus: 503, grpcStatus: 14, body: 'busy', headers: { 'Retry-After': '1', 'content-type': 'text/plain' } },
              start_delay_ms: 5,
            },
          },
        ]),
      },
      { input: p('fraction', [{ match: { path: { exact: '/fraction' } }, fault: { percentage: 12.3456, delay_ms: 40 } }]) },
    ],
    cases: [
      ...['/zero', '/full', '/zero', '/full'].map((path, i) => ({ name: `no draw ${i}`, request: get(path) })),
      ...Array.from({ length: 24 }, (_, i) => ({ name: `half ${i}`, request: get('/half') })),
      ...Array.from({ length: 24 }, (_, i) => ({ name: `fraction ${i}`, request: get('/fraction') })),
      { name: 'no draw after the draws', request: get('/full') },
      { name: 'and another draw', request: get('/half') },
    ],
  },
  {
    file: 'delay-distributions.json',
    description:
      'wire version 2: uniform jitter (minMs + drawBelow(span)) and a log-normal quantile table (ms[drawBelow(256)]); the percentage draw comes first',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0x0bad_cafe_f00d_1234n,
    policies: [
      { input: p('jitter', [{ match: { path: { exact: '/jitter' } }, fault: { delay: { fixedDelay: '20ms', jitter: '15ms' } } }]) },
      {
        input: p('lognormal', [{ match: { path: { exact: '/lognormal' } }, fault: { delay: { p50: '10ms', p99: '60ms' } } }]),
      },
      {
        input: p('half-jitter-abort', [
          {
            match: { path: { exact: '/half' } },
            fault: { percentage: 50, delay: { fixed_delay_ms: 8, jitter_ms: 7 }, abort: { httpStatus: 503 } },
          },
        ]),
      },
      { input: p('plain', [{ match: { path: { exact: '/plain' } }, fault: { delay_ms: 5 } }]) },
    ],
    cases: [
      ...Array.from({ length: 12 }, (_, i) => ({ name: `jitter ${i}`, request: get('/jitter') })),
      ...Array.from({ length: 12 }, (_, i) => ({ name: `log-normal ${i}`, request: get('/lognormal') })),
      ...Array.from({ length: 12 }, (_, i) => ({ name: `half with jitter ${i}`, request: get(i % 3 === 0 ? '/plain' : '/half') })),
    ],
  },
  {
    file: 'counted-faults.json',
    description:
      'wire version 2: fault.limit.firstRequests (the first N picked, then pass), fault.limit.perSecond (a token bucket N deep, refilled at N a second) and fault.maxActive (at most N held at once), counted per worker after the percentage draw',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0x5eed_c0de_0000_0014n,
    policies: [
      { input: p('first', [{ match: { path: { exact: '/first' } }, fault: { abort: { httpStatus: 503 }, limit: { firstRequests: 3 } } }]) },
      {
        input: p('half-first', [
          { match: { path: { exact: '/half' } }, fault: { percentage: 50, abort: { httpStatus: 500 }, limit: { firstRequests: 2 } } },
        ]),
      },
      { input: p('rate', [{ match: { path: { exact: '/rate' } }, fault: { abort: { httpStatus: 429 }, limit: { perSecond: 2 } } }]) },
      { input: p('held', [{ match: { path: { exact: '/held' } }, fault: { delay_ms: 100, maxActive: 1 } }]) },
    ],
    cases: [
      ...Array.from({ length: 5 }, (_, i) => ({ name: `first ${i}: faulted while fewer than 3 were`, request: get('/first') })),
      ...Array.from({ length: 8 }, (_, i) => ({ name: `half ${i}: only picked requests count`, request: get('/half') })),
      ...[0, 0, 0, 250, 499, 500, 500, 1_500, 1_500, 1_500, 1_500].map((t, i) => ({
        name: `rate ${i} at +${t} ms`,
        request: get('/rate'),
        nowMs: NOW + t,
      })),
      ...[2_000, 2_000, 2_050, 2_099, 2_100, 2_100, 2_150].map((t, i) => ({
        name: `held ${i} at +${t} ms: one at a time`,
        request: get('/held'),
        nowMs: NOW + t,
      })),
    ],
  },
  {
    file: 'reset.json',
    description:
      'wire version 2: fault.reset compiles to reset: true; the stream is reset (proxy_close_stream) once any delay is over, and the decision says reset',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0x0e5e_7000_0000_0014n,
    policies: [
      { input: p('reset', [{ match: { path: { exact: '/reset' } }, fault: { reset: {} } }]) },
      { input: p('slow-reset', [{ match: { path: { exact: '/slow' } }, fault: { delay_ms: 30, start_delay_ms: 5, reset: {} } }]) },
      { input: p('half-reset', [{ match: { path: { exact: '/half' } }, fault: { percentage: 50, reset: {} } }]) },
    ],
    cases: [
      { name: 'reset at once', request: get('/reset') },
      { name: 'held 35 ms, then reset', request: get('/slow') },
      ...Array.from({ length: 8 }, (_, i) => ({ name: `half ${i}`, request: get('/half') })),
      { name: 'no rule: passes', request: get('/other') },
    ],
  },
  {
    file: 'response-phase.json',
    description:
      'wire version 2: phase "response" acts after the upstream answered (decided and drawn at request time); responseStatus {min, max} narrows it to some statuses, else the request passes',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0x7e59_0e5e_0000_0014n,
    policies: [
      {
        input: p('replace-5xx', [
          {
            match: { path: { exact: '/r' }, responseStatus: '5xx' },
            fault: { phase: 'response', abort: { httpStatus: 502, body: 'replaced' } },
          },
        ]),
      },
      { input: p('hold', [{ match: { path: { exact: '/h' } }, fault: { phase: 'response', delay_ms: 40 } }]) },
      {
        input: p('hold-then-abort', [
          {
            match: { path: { exact: '/ha' }, responseStatus: 200 },
            fault: { phase: 'response', percentage: 50, delay_ms: 10, abort: { httpStatus: 503 } },
          },
        ]),
      },
    ],
    cases: [
      { name: '503 from the upstream: replaced by 502', request: { ...get('/r'), upstreamStatus: 503 } },
      { name: '200 from the upstream: out of 5xx, passes', request: { ...get('/r'), upstreamStatus: 200 } },
      { name: 'the response is held 40 ms', request: { ...get('/h'), upstreamStatus: 200 } },
      ...Array.from({ length: 6 }, (_, i) => ({
        name: `held 10 ms then aborted, half the time ${i}`,
        request: { ...get('/ha'), upstreamStatus: 200 },
      })),
      { name: 'a 404 is out of range: passes (the draw was taken)', request: { ...get('/ha'), upstreamStatus: 404 } },
    ],
  },
  {
    file: 'request-overrides.json',
    description:
      'wire version 2: spec.requestOverrides compiles to overrides on each of its rules; x-hfi-fault-delay-ms and x-hfi-fault-abort-status replace the delay and abort status within the bounds (after the draws); other values and other policies are ignored',
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0x0ee7_1de5_0000_0014n,
    policies: [
      {
        input: p('chosen', [{ match: { path: { prefix: '/c' } }, fault: { delay_ms: 5, abort: { httpStatus: 500, body: 'b' } } }], {
          requestOverrides: { maxDelay: '50ms', abortStatuses: [503, 429] },
        }),
      },
      {
        input: p('half', [{ match: { path: { prefix: '/h' } }, fault: { percentage: 50, delay_ms: 5 } }], {
          requestOverrides: { abortStatuses: [503] },
        }),
      },
      { input: p('closed', [{ match: { path: { prefix: '/x' } }, fault: { delay_ms: 5 } }]) },
    ],
    cases: [
      { name: 'no header: the rule as written', request: get('/c') },
      { name: 'delay 20 ms chosen', request: get('/c', [['x-hfi-fault-delay-ms', '20']]) },
      { name: 'delay 0 chosen', request: get('/c', [['x-hfi-fault-delay-ms', '0']]) },
      { name: 'delay over maxDelay: ignored', request: get('/c', [['x-hfi-fault-delay-ms', '51']]) },
      { name: 'not a number: ignored', request: get('/c', [['x-hfi-fault-delay-ms', '1e3']]) },
      { name: '503 chosen (the rule body kept)', request: get('/c', [['x-hfi-fault-abort-status', '503']]) },
      { name: '418 not allowed: ignored', request: get('/c', [['x-hfi-fault-abort-status', '418']]) },
      {
        name: 'both chosen',
        request: get('/c', [
          ['x-hfi-fault-abort-status', '429'],
          ['x-hfi-fault-delay-ms', '7'],
        ]),
      },
      ...Array.from({ length: 6 }, (_, i) => ({
        name: `half ${i}: the percentage still applies`,
        request: get('/h', [['x-hfi-fault-abort-status', '503']]),
      })),
      { name: 'no maxDelay in its policy: a delay cannot be chosen', request: get('/h', [['x-hfi-fault-delay-ms', '1']]) },
      { name: 'a policy without requestOverrides: the headers do nothing', request: get('/x', [['x-hfi-fault-abort-status', '503']]) },
    ],
  },
  {
    file: 'schedule.json',
    description:
      "wire version 2: spec.schedule compiles to windows on each of its rules, [startMs, endMs) from the cron (in its time zone) for activeFor, cut to the rule's active period and the 24 h horizon; outside a window the rule does not match and does not shadow later rules",
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0x5c4e_d01e_0000_0014n,
    policies: [
      {
        input: p(
          'every-ten',
          [{ match: { path: { prefix: '/t' } }, fault: always({ abort: { httpStatus: 503 }, duration_seconds: 1500 }) }],
          {
            priority: 2,
            schedule: { cron: '*/10 * * * *', activeFor: '6m' },
          },
        ),
      },
      {
        input: p('evening-new-york', [{ match: { path: { prefix: '/e' } }, fault: always({ abort: { httpStatus: 500 } }) }], {
          priority: 1,
          schedule: { cron: '0 19 * * *', activeFor: '30m', timezone: 'America/New_York' },
        }),
      },
      { input: p('fallback', [{ fault: always({ abort: { httpStatus: 502 } }) }]) },
    ],
    cases: [
      { name: 'first window opens at the write (00:00)', request: get('/t'), nowMs: UPDATED_AT_MS },
      { name: 'last millisecond of the first window', request: get('/t'), nowMs: UPDATED_AT_MS + 359_999 },
      { name: 'between windows: the next rule decides', request: get('/t'), nowMs: UPDATED_AT_MS + 360_000 },
      { name: 'second window (00:10)', request: get('/t'), nowMs: UPDATED_AT_MS + 600_000 },
      { name: 'third window, cut by duration_seconds (00:25)', request: get('/t'), nowMs: UPDATED_AT_MS + 1_499_999 },
      { name: 'after the expiry, in what would be the window', request: get('/t'), nowMs: UPDATED_AT_MS + 1_500_000 },
      { name: '19:00 in New York is 00:00 UTC', request: get('/e'), nowMs: UPDATED_AT_MS + 60_000 },
      { name: 'New York window over at 00:30 UTC', request: get('/e'), nowMs: UPDATED_AT_MS + 1_800_000 },
      { name: 'beyond the 24 h horizon: no window until republished', request: get('/e'), nowMs: UPDATED_AT_MS + 86_400_000 + 60_000 },
    ],
  },
  {
    file: 'dry-run.json',
    description:
      "wire version 3: spec.dryRun compiles to dryRun: true on each of its rules; a dry-run rule matches and draws as a real one (the percentage, then its kind's draws) and the request passes; a real rule after it draws from the same sequence",
    identity: { service: 'frontend', namespace: 'demo' },
    seed: 0xd27_0015_0000_0001n,
    policies: [
      {
        input: p(
          'rehearsal',
          [
            { match: { path: { prefix: '/dry' } }, fault: { percentage: 50, delay: { fixedDelay: '100ms', jitter: '50ms' } } },
            { match: { path: { prefix: '/all' } }, fault: always() },
          ],
          { priority: 1, dryRun: true },
        ),
      },
      { input: p('real', [{ match: { path: { prefix: '/real' } }, fault: { percentage: 50, abort: { httpStatus: 500 } } }]) },
    ],
    cases: [
      ...Array.from({ length: 8 }, (_, i) => ({ name: `dry ${i}: drawn, passes`, request: get('/dry') })),
      { name: 'a dry-run abort at 100%: passes', request: get('/all') },
      ...Array.from({ length: 8 }, (_, i) => ({ name: `real ${i}: the draws go on from the same sequence`, request: get('/real') })),
    ],
  },
];

export interface WireFixtureFile {
  file: string;
  content: string;
}

/** Where each form's fixtures live under testdata/: the rule form (wire versions 1 to 4) and the compact form (5). */
export const WIRE_FIXTURE_DIRS = { rules: 'wire', compact: 'wire-compact' } as const;

/**
 * Every fixture file with its exact bytes, its set in `form` (the same cases and decisions in both); the test checks
 * the committed files against this.
 */
export function buildWireFixtures(form: keyof typeof WIRE_FIXTURE_DIRS = 'rules'): WireFixtureFile[] {
  return FIXTURES.map((fixture) => {
    const policies = fixture.policies.map((entry, i) => storedPolicy(entry.input, entry.updatedAtMs ?? UPDATED_AT_MS, i + 1));
    const ruleSet = compileRuleSet(policies, { epoch: 'fixture', version: 1 });
    const random = new Xorshift64Star(fixture.seed);
    // One worker: the fixture's requests share its counts (fault limits).
    const counted = new CountedFaults();
    const cases = fixture.cases.map((input) => {
      const status = input.request.upstreamStatus;
      const request: RequestFacts & { upstreamStatus?: number } = {
        method: input.request.method ?? 'GET',
        path: input.request.path,
        headers: input.request.headers ?? [],
        ...(status !== undefined ? { upstreamStatus: status } : {}),
      };
      const nowMs = input.nowMs ?? NOW;
      const decided = decideFault(ruleSet, request, fixture.identity, nowMs, random, counted);
      const expected: Decision = responseFaulted(decided, status ?? 200);
      return { name: input.name, request, nowMs, expected };
    });
    const body = {
      description: fixture.description,
      seed: fixture.seed.toString(),
      identity: fixture.identity,
      ruleSet: form === 'compact' ? compactRuleSet(ruleSet) : ruleSet,
      cases,
    };
    return { file: fixture.file, content: `${JSON.stringify(body, null, 2)}\n` };
  });
}
