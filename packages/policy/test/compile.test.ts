import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  assembleRuleSet,
  compilePolicyRules,
  compileRuleSet,
  decideFault,
  ruleSetForIdentity,
  serializeRuleSet,
  WIRE_DFA_TABLES_VERSION,
} from '../src/index.js';
import { policy, stored, T0 } from './helpers.js';

const options = { epoch: 'e1', version: 7 };

test('a rule compiles to the wire form of docs/wire-format.md', () => {
  const rules = compilePolicyRules(
    stored(
      {
        metadata: { name: 'api-delay-test' },
        spec: {
          selector: { service: 'frontend', namespace: 'demo' },
          rules: [
            {
              match: {
                path: { prefix: '/api/v1' },
                method: { exact: 'get' },
                headers: [
                  { name: 'X-User', exact: 'tester' },
                  { name: 'x-skip', present: false },
                ],
              },
              fault: { percentage: 20, delay: { fixedDelay: '1s' } },
            },
            {
              fault: {
                percentage: 12.3456,
                abort: { httpStatus: 503, headers: { 'X-B': '2', 'x-a': '1' } },
                start_delay_ms: 5,
                duration_seconds: 60,
              },
            },
          ],
        },
      },
      { version: '17' },
    ),
  );
  assert.deepEqual(rules[0], {
    id: 'api-delay-test/0',
    policy: 'api-delay-test',
    ruleIndex: 0,
    priority: 0,
    policyVersion: '17',
    selector: { service: 'frontend', namespace: 'demo' },
    path: { kind: 'prefix', value: '/api/v1' },
    method: { kind: 'exact', value: 'GET' },
    headers: [
      { name: 'x-user', kind: 'exact', value: 'tester' },
      { name: 'x-skip', kind: 'absent' },
    ],
    perMillion: 200_000,
    delayMs: 1000,
    abort: null,
    startDelayMs: 0,
    activeFromMs: T0,
    expiresAtMs: 0,
  });
  const second = rules[1]!;
  assert.equal(second.id, 'api-delay-test/1');
  assert.equal(second.perMillion, 123_456);
  assert.deepEqual(second.abort, {
    status: 503,
    grpcStatus: -1,
    body: '',
    headers: [
      ['x-a', '1'],
      ['x-b', '2'],
    ],
  });
  assert.equal(second.startDelayMs, 5);
  assert.equal(second.expiresAtMs, T0 + 60_000);
  assert.deepEqual(Object.keys(second), [
    'id',
    'policy',
    'ruleIndex',
    'priority',
    'policyVersion',
    'selector',
    'path',
    'method',
    'headers',
    'perMillion',
    'delayMs',
    'abort',
    'startDelayMs',
    'activeFromMs',
    'expiresAtMs',
  ]);
});

test("a compiled regex match carries its DFA table (the rule set shares it: 'dfas')", () => {
  const [rule] = compilePolicyRules(stored(policy('r', [{ match: { path: { regex: '/v[0-9]+/x' } }, fault: { delay_ms: 1 } }])));
  assert.equal(rule!.path?.kind, 'regex');
  assert.ok(rule!.path?.kind === 'regex' && typeof rule!.path.dfa === 'object');
  const dfa = rule!.path.dfa;
  assert.equal(Buffer.from(dfa.classMap, 'base64').length, 256);
  assert.equal(Buffer.from(dfa.table, 'base64').length, dfa.states * dfa.classes * 2);
  assert.deepEqual(Object.keys(dfa), ['states', 'classes', 'classMap', 'table', 'accept']);
});

const regexRule = (path: string, header: string) => ({
  match: { path: { regex: path }, headers: [{ name: 'x-tenant', regex: header }] },
  fault: { delay_ms: 1 },
});

test('equal DFA tables are sent once, in dfas before rules, and rules refer to them by index (wire version 4)', () => {
  const set = compileRuleSet(
    [
      stored(policy('a', [regexRule('/v[0-9]+/x', 't-[0-9]+'), regexRule('/v[0-9]+/x', '/v[0-9]+/x')])),
      // Another source for the same language: the same table.
      stored(policy('b', [regexRule('/v\\d+/x', 't-[0-9]+')])),
      stored(policy('c', [{ match: { path: { prefix: '/p' } }, fault: { delay_ms: 1 } }])),
    ],
    options,
  );
  assert.equal(set.wireVersion, WIRE_DFA_TABLES_VERSION);
  assert.equal(set.dfas?.length, 2, 'two distinct tables');
  assert.deepEqual(Object.keys(set), ['wireVersion', 'epoch', 'version', 'hash', 'dfas', 'rules']);
  const refs = set.rules.map((rule) => [
    rule.path?.kind === 'regex' ? rule.path.dfa : null,
    ...rule.headers.map((h) => (h.kind === 'regex' ? h.dfa : null)),
  ]);
  assert.deepEqual(refs, [[0, 1], [0, 0], [0, 1], [null]]);
  const [inline] = compilePolicyRules(stored(policy('a', [regexRule('/v[0-9]+/x', 't-[0-9]+')])));
  assert.ok(inline!.path?.kind === 'regex');
  assert.deepEqual(set.dfas![0], inline!.path.dfa);
  assert.equal(
    set.hash,
    createHash('sha256')
      .update(JSON.stringify(set.dfas) + JSON.stringify(set.rules))
      .digest('hex'),
  );
  assert.equal(serializeRuleSet(set), JSON.stringify(set));
  const plain = compileRuleSet([stored(policy('c', [{ match: { path: { prefix: '/p' } }, fault: { delay_ms: 1 } }]))], options);
  assert.equal(plain.wireVersion, 1, 'a set without regexes has no dfas and stays version 1');
  assert.equal(plain.dfas, undefined);
});

test("a data plane's own set carries only the tables its rules use, re-indexed, and decides like the whole set", () => {
  const set = compileRuleSet(
    [
      stored(policy('a', [regexRule('/a[0-9]+', 'ta-[0-9]+')], { selector: { service: 'a' } })),
      stored(policy('b', [regexRule('/b[0-9]+', 'tb-[0-9]+')], { selector: { service: 'b' } })),
    ],
    options,
  );
  assert.equal(set.dfas?.length, 4);
  const sub = ruleSetForIdentity(set, { service: 'b', namespace: 'demo' });
  assert.equal(sub.dfas?.length, 2);
  assert.deepEqual(sub.dfas, set.dfas!.slice(2));
  const rule = sub.rules[0]!;
  assert.ok(rule.path?.kind === 'regex' && rule.headers[0]?.kind === 'regex');
  assert.deepEqual([rule.path.dfa, rule.headers[0].dfa], [0, 1]);
  assert.equal(serializeRuleSet(sub), JSON.stringify(sub));
  const request = { method: 'GET', path: '/b12', headers: [['x-tenant', 'tb-7']] as [string, string][] };
  const random = { drawPerMillion: () => 0, drawBelow: () => 0 };
  const identity = { service: 'b', namespace: 'demo' };
  const now = T0 + 1000;
  assert.equal(decideFault(sub, request, identity, now, random).action, 'fault');
  assert.deepEqual(decideFault(sub, request, identity, now, random), decideFault(set, request, identity, now, random));
  // Parsed from its JSON (as a data plane or a fixture holds it), the subset decides the same.
  assert.deepEqual(
    decideFault(JSON.parse(serializeRuleSet(sub)), request, identity, now, random),
    decideFault(sub, request, identity, now, random),
  );
  // Assembling again from the set's own rules (the control plane's incremental assembly) gives the same set.
  assert.equal(serializeRuleSet(assembleRuleSet([set.rules], options)), serializeRuleSet(set));
});

test('rules are ordered by priority desc, policy name asc (code units), rule index asc', () => {
  const set = compileRuleSet(
    [
      stored(policy('b', [{ fault: { delay_ms: 1 } }, { fault: { delay_ms: 2 } }])),
      stored(policy('a', [{ fault: { delay_ms: 3 } }])),
      stored(policy('z', [{ fault: { delay_ms: 4 } }], { priority: 5 })),
      stored(policy('low', [{ fault: { delay_ms: 5 } }], { priority: -1 })),
      stored(policy('a-b', [{ fault: { delay_ms: 6 } }])),
    ],
    options,
  );
  assert.deepEqual(
    set.rules.map((rule) => rule.id),
    ['z/0', 'a/0', 'a-b/0', 'b/0', 'b/1', 'low/0'],
  );
  assert.equal(set.wireVersion, 1, 'plain delay/abort rules need no more than wire version 1');
  assert.equal(set.epoch, 'e1');
  assert.equal(set.version, 7);
  assert.equal(set.hash, createHash('sha256').update(JSON.stringify(set.rules)).digest('hex'));
});

test("a rule set is wire version 2 only while a rule uses a version-2 field, also in each data plane's own set", () => {
  const jitter = stored(policy('jitter', [{ fault: { delay: { fixedDelay: '20ms', jitter: '5ms' } } }], { selector: { service: 'a' } }));
  const plain = stored(policy('plain', [{ fault: { delay_ms: 4 } }]));
  const set = compileRuleSet([jitter, plain], options);
  assert.equal(set.wireVersion, 2);
  assert.deepEqual(set.rules.find((r) => r.id === 'jitter/0')?.delayDistribution, { kind: 'uniform', minMs: 15, maxMs: 25 });
  assert.equal(ruleSetForIdentity(set, { service: 'a', namespace: 'demo' }).wireVersion, 2);
  assert.equal(
    ruleSetForIdentity(set, { service: 'b', namespace: 'demo' }).wireVersion,
    1,
    'without the jitter rule a v1 plugin can read it',
  );
  assert.equal(compileRuleSet([plain], options).rules[0]?.delayDistribution, undefined, 'plain rules carry no new field');
});

test("a dry-run policy makes the set wire version 3 (a version-2 plugin would inject its faults), also in each data plane's own set", () => {
  const dry = stored(policy('dry', [{ fault: { delay_ms: 4 } }], { selector: { service: 'a' }, dryRun: true }));
  const jitter = stored(policy('jitter', [{ fault: { delay: { fixedDelay: '20ms', jitter: '5ms' } } }]));
  const set = compileRuleSet([dry, jitter], options);
  assert.equal(set.wireVersion, 3);
  assert.equal(set.rules.find((r) => r.id === 'dry/0')?.dryRun, true);
  assert.equal(set.rules.find((r) => r.id === 'jitter/0')?.dryRun, undefined, "only the dry-run policy's rules carry the flag");
  assert.equal(ruleSetForIdentity(set, { service: 'b', namespace: 'demo' }).wireVersion, 2, 'without the dry-run rule: version 2');
});

test('a log-normal delay compiles to 256 increasing quantiles that pass through the two it was given', () => {
  const rule = compilePolicyRules(stored(policy('tail', [{ fault: { delay: { p50: '100ms', p99: '1200ms' } } }])))[0]!;
  const table = rule.delayDistribution;
  assert.equal(rule.delayMs, 0, 'the distribution replaces the fixed delay');
  assert.ok(table?.kind === 'table');
  assert.equal(table.ms.length, 256);
  assert.ok(
    table.ms.every((ms, i) => i === 0 || ms >= table.ms[i - 1]!),
    'non-decreasing',
  );
  // Entry i stands for the quantile (i + 0.5) / 256: the median sits between entries 127 and 128, p99 near 253.
  assert.ok(Math.abs(table.ms[127]! - 100) <= 2 && Math.abs(table.ms[128]! - 100) <= 2, `median ${table.ms[127]}..${table.ms[128]} ms`);
  assert.ok(Math.abs(table.ms[253]! - 1200) / 1200 < 0.08, `p99 ${table.ms[253]} ms`);
  assert.ok(table.ms[0]! >= 1);
});

test('limits compile to one version-2 field, 0 for a limit not set; a rule without limits has none', () => {
  const [limited, capped, plain] = compilePolicyRules(
    stored(
      policy('counted', [
        { fault: { abort: { httpStatus: 503 }, limit: { firstRequests: 3 } } },
        { fault: { delay_ms: 50, maxActive: 4, limit: { perSecond: 10 } } },
        { fault: { delay_ms: 50 } },
      ]),
    ),
  );
  assert.deepEqual(limited?.limit, { firstRequests: 3, perSecond: 0, maxActive: 0 });
  assert.deepEqual(capped?.limit, { firstRequests: 0, perSecond: 10, maxActive: 4 });
  assert.equal(plain && 'limit' in plain, false);
  assert.equal(
    compileRuleSet([stored(policy('counted', [{ fault: { abort: { httpStatus: 503 }, limit: { firstRequests: 3 } } }]))], options)
      .wireVersion,
    2,
  );
});

test('a reset compiles to reset: true (wire version 2) and no abort', () => {
  const set = compileRuleSet([stored(policy('r', [{ fault: { reset: {} } }]))], options);
  assert.equal(set.rules[0]?.reset, true);
  assert.equal(set.rules[0]?.abort, null);
  assert.equal(set.wireVersion, 2);
});

test('the hash changes with any rule change and not with input order', () => {
  const a = stored(policy('a', [{ fault: { delay_ms: 1 } }]));
  const b = stored(policy('b', [{ fault: { delay_ms: 1 } }]));
  const b2 = stored(policy('b', [{ fault: { delay_ms: 2 } }]));
  assert.equal(compileRuleSet([a, b], options).hash, compileRuleSet([b, a], options).hash);
  assert.notEqual(compileRuleSet([a, b], options).hash, compileRuleSet([a, b2], options).hash);
  assert.equal(assembleRuleSet([], options).hash, createHash('sha256').update('[]').digest('hex'));
});

test('ruleSetForIdentity keeps only rules whose selector can match the identity', () => {
  const set = compileRuleSet(
    [
      stored(policy('all', undefined)),
      stored(policy('front', undefined, { selector: { service: 'frontend' } })),
      stored(policy('front-demo', undefined, { selector: { service: 'frontend', namespace: 'demo' } })),
      stored(policy('cart', undefined, { selector: { service: 'cart' } })),
    ],
    options,
  );
  const ids = (service: string | null, namespace: string | null): string[] =>
    ruleSetForIdentity(set, { service, namespace }).rules.map((rule) => rule.policy);
  assert.deepEqual(ids('frontend', 'demo'), ['all', 'front', 'front-demo']);
  assert.deepEqual(ids('frontend', 'prod'), ['all', 'front']);
  assert.deepEqual(ids('cart', null), ['all', 'cart']);
  assert.deepEqual(ids(null, null), ['all']);
  const sub = ruleSetForIdentity(set, { service: 'cart', namespace: 'demo' });
  assert.equal(sub.epoch, set.epoch);
  assert.equal(sub.version, set.version);
  assert.equal(sub.hash, createHash('sha256').update(JSON.stringify(sub.rules)).digest('hex'));
  assert.notEqual(sub.hash, set.hash);
});

test('compilePolicyRules refuses a policy whose updatedAt is not a timestamp', () => {
  const bad = { ...stored(policy('x')), metadata: { name: 'x', version: '1', createdAt: 'x', updatedAt: 'never' } };
  assert.throws(() => compilePolicyRules(bad), /updatedAt/);
});

test('serializeRuleSet is byte-identical to JSON.stringify of the rule set', () => {
  const set = compileRuleSet(
    [
      stored(policy('a', [{ match: { path: { regex: '/x[0-9]+' }, headers: [{ name: 'x-a', present: true }] }, fault: { delay_ms: 3 } }])),
      stored(policy('b')),
    ],
    { epoch: 'e"quoted', version: 12 },
  );
  assert.equal(serializeRuleSet(set), JSON.stringify(set));
  const sub = ruleSetForIdentity(set, { service: null, namespace: null });
  assert.equal(serializeRuleSet(sub), JSON.stringify(sub));
  assert.equal(serializeRuleSet(assembleRuleSet([], options)), JSON.stringify(assembleRuleSet([], options)));
});
