// Semantics of docs/wire-format.md "Evaluating a request", with explicit time and scripted draws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompiledRuleSet, Decision, DrawSource, Identity, RequestFacts, StoredPolicy } from '../src/index.js';
import { CountedFaults, compileRuleSet, decideFault, responseFaulted, Xorshift64Star } from '../src/index.js';
import { policy, stored, T0 } from './helpers.js';

const frontend: Identity = { service: 'frontend', namespace: 'demo' };

/** Draws from a script; fails the test if a draw is taken that the script did not expect. */
class ScriptedDraws implements DrawSource {
  taken = 0;
  constructor(private readonly draws: number[]) {}
  drawPerMillion(): number {
    const draw = this.draws[this.taken++];
    if (draw === undefined) throw new Error('unexpected draw');
    return draw;
  }
  drawBelow(n: number): number {
    const draw = this.draws[this.taken++];
    if (draw === undefined || draw >= n) throw new Error(`unexpected draw below ${n}`);
    return draw;
  }
}

function set(...policies: StoredPolicy[]): CompiledRuleSet {
  return compileRuleSet(policies, { epoch: 'e', version: 1 });
}

function request(path: string, method = 'GET', headers: [string, string][] = []): RequestFacts {
  return { path, method, headers };
}

function decide(
  ruleSet: CompiledRuleSet,
  req: RequestFacts,
  options: { now?: number; identity?: Identity; draws?: number[] } = {},
): Decision {
  return decideFault(ruleSet, req, options.identity ?? frontend, options.now ?? T0 + 1, new ScriptedDraws(options.draws ?? []));
}

const ruleId = (decision: Decision): string | undefined => (decision.action === 'fault' ? decision.ruleId : undefined);

test('a matching rule at 100% faults with its delay, abort and start delay', () => {
  const rules = set(stored(policy('p', [{ fault: { delay_ms: 100, abort: { httpStatus: 503, body: 'x' }, start_delay_ms: 7 } }])));
  assert.deepEqual(decide(rules, request('/')), {
    action: 'fault',
    ruleId: 'p/0',
    policy: 'p',
    ruleIndex: 0,
    startDelayMs: 7,
    delayMs: 100,
    abort: { status: 503, grpcStatus: -1, body: 'x', headers: [] },
  });
});

test('path matching ignores the query string; exact, prefix and regex', () => {
  const rules = set(
    stored(policy('exact', [{ match: { path: { exact: '/a' } }, fault: { delay_ms: 1 } }], { priority: 3 })),
    stored(policy('prefix', [{ match: { path: { prefix: '/api/' } }, fault: { delay_ms: 1 } }], { priority: 2 })),
    stored(policy('regex', [{ match: { path: { regex: '/v[0-9]+' } }, fault: { delay_ms: 1 } }], { priority: 1 })),
  );
  assert.equal(ruleId(decide(rules, request('/a?x=1'))), 'exact/0');
  assert.equal(ruleId(decide(rules, request('/a/'))), undefined);
  assert.equal(ruleId(decide(rules, request('/api/x?y'))), 'prefix/0');
  assert.equal(ruleId(decide(rules, request('/v12?q=/v1'))), 'regex/0');
  // Whole-value regex: a substring match is not enough.
  assert.equal(ruleId(decide(rules, request('/v12/more'))), undefined);
  assert.equal(ruleId(decide(rules, request('?/a'))), undefined);
});

test('method values are upper-cased at validation, and matched case-sensitively', () => {
  const rules = set(stored(policy('m', [{ match: { method: { exact: 'get' } }, fault: { delay_ms: 1 } }])));
  assert.equal(ruleId(decide(rules, request('/', 'GET'))), 'm/0');
  assert.equal(ruleId(decide(rules, request('/', 'POST'))), undefined);
});

test('header conditions read the first value; present and absent', () => {
  const rules = set(
    stored(
      policy('h', [
        {
          match: {
            headers: [
              { name: 'X-User', exact: 'tester' },
              { name: 'x-bypass', present: false },
              { name: 'x-id', present: true },
            ],
          },
          fault: { delay_ms: 1 },
        },
      ]),
    ),
  );
  const ok: [string, string][] = [
    ['x-user', 'tester'],
    ['x-id', '1'],
  ];
  assert.equal(ruleId(decide(rules, request('/', 'GET', ok))), 'h/0');
  assert.equal(ruleId(decide(rules, request('/', 'GET', [...ok, ['x-bypass', '']]))), undefined);
  assert.equal(ruleId(decide(rules, request('/', 'GET', [['x-id', '1']]))), undefined, 'exact on an absent header does not hold');
  assert.equal(
    ruleId(
      decide(
        rules,
        request('/', 'GET', [
          ['x-user', 'other'],
          ['x-user', 'tester'],
          ['x-id', '1'],
        ]),
      ),
    ),
    undefined,
    'only the first value counts',
  );
  assert.equal(
    ruleId(
      decide(
        rules,
        request('/', 'GET', [
          ['x-user', 'tester'],
          ['x-user', 'other'],
          ['x-id', '1'],
        ]),
      ),
    ),
    'h/0',
  );
});

test('the first matching rule decides, even when its draw says no (no fall-through)', () => {
  const rules = set(
    stored(policy('first', [{ fault: { percentage: 50, delay_ms: 1 } }], { priority: 1 })),
    stored(policy('second', [{ fault: { percentage: 100, delay_ms: 2 } }])),
  );
  assert.equal(ruleId(decide(rules, request('/'), { draws: [500_000] })), undefined);
  assert.equal(ruleId(decide(rules, request('/'), { draws: [499_999] })), 'first/0');
});

test('a draw is taken only when 0 < perMillion < 1000000', () => {
  const draws = new ScriptedDraws([]);
  const always = set(stored(policy('always', [{ fault: { percentage: 100, delay_ms: 1 } }])));
  const never = set(stored(policy('never', [{ fault: { percentage: 0, delay_ms: 1 } }])));
  assert.equal(ruleId(decideFault(always, request('/'), frontend, T0, draws)), 'always/0');
  assert.equal(ruleId(decideFault(never, request('/'), frontend, T0, draws)), undefined);
  assert.equal(draws.taken, 0);
  const rare = set(stored(policy('rare', [{ fault: { percentage: 0.0001, delay_ms: 1 } }])));
  assert.equal(ruleId(decide(rare, request('/'), { draws: [0] })), 'rare/0');
  assert.equal(ruleId(decide(rare, request('/'), { draws: [1] })), undefined);
});

test('selectors: named service needs a known, equal identity; null identity sees only "*"', () => {
  const rules = set(stored(policy('front', undefined, { selector: { service: 'frontend', namespace: 'demo' } })));
  assert.equal(ruleId(decide(rules, request('/'))), 'front/0');
  assert.equal(ruleId(decide(rules, request('/'), { identity: { service: 'cart', namespace: 'demo' } })), undefined);
  assert.equal(ruleId(decide(rules, request('/'), { identity: { service: 'frontend', namespace: 'prod' } })), undefined);
  assert.equal(ruleId(decide(rules, request('/'), { identity: { service: null, namespace: null } })), undefined);
  const wildcard = set(stored(policy('all')));
  assert.equal(ruleId(decide(wildcard, request('/'), { identity: { service: null, namespace: null } })), 'all/0');
});

test('time window: from the latest write, for duration_seconds, end exclusive', () => {
  const rules = set(stored(policy('w', [{ fault: { delay_ms: 1, duration_seconds: 10 } }]), { updatedAtMs: T0 }));
  assert.equal(ruleId(decide(rules, request('/'), { now: T0 - 1 })), undefined, 'not yet active');
  assert.equal(ruleId(decide(rules, request('/'), { now: T0 })), 'w/0');
  assert.equal(ruleId(decide(rules, request('/'), { now: T0 + 9_999 })), 'w/0');
  assert.equal(ruleId(decide(rules, request('/'), { now: T0 + 10_000 })), undefined, 'expired');
  const forever = set(stored(policy('f', [{ fault: { delay_ms: 1 } }]), { updatedAtMs: T0 }));
  assert.equal(ruleId(decide(forever, request('/'), { now: T0 + 10 * 365 * 86_400_000 })), 'f/0');
});

test('an expired rule does not shadow the rules after it', () => {
  const rules = set(
    stored(policy('a-expired', [{ fault: { delay_ms: 1, duration_seconds: 1 } }])),
    stored(policy('b-live', [{ fault: { delay_ms: 2 } }])),
  );
  assert.equal(ruleId(decide(rules, request('/'), { now: T0 + 5_000 })), 'b-live/0');
});

test('non-ASCII values are matched as their UTF-8 bytes read as Latin-1', () => {
  const rules = set(stored(policy('u', [{ match: { headers: [{ name: 'x-name', regex: 'caf\\xC3\\xA9' }] }, fault: { delay_ms: 1 } }])));
  assert.equal(ruleId(decide(rules, request('/', 'GET', [['x-name', 'café']]))), 'u/0');
  assert.equal(ruleId(decide(rules, request('/', 'GET', [['x-name', 'cafe']]))), undefined);
});

test('Xorshift64Star follows the spec to the bit (values computed independently)', () => {
  // Python: x ^= x>>12; x ^= (x<<25)&M; x ^= x>>27; ((x*0x2545F4914F6CDD1D)&M)>>32, from 0x9E3779B97F4A7C15.
  const zero = new Xorshift64Star(0n);
  assert.deepEqual([zero.nextU32(), zero.nextU32(), zero.nextU32()], [226735074, 1422150777, 2823156546]);
  const same = new Xorshift64Star(0x9e3779b97f4a7c15n);
  assert.equal(same.nextU32(), 226735074, 'a zero seed is replaced by 0x9E3779B97F4A7C15');
  const draws = new Xorshift64Star(42n);
  for (let i = 0; i < 10_000; i++) {
    const d = draws.drawPerMillion();
    assert.ok(Number.isInteger(d) && d >= 0 && d < 1_000_000);
  }
});

test('drawPerMillion is close to uniform: a 20% rule faults about 20% of requests', () => {
  const rules = set(stored(policy('p', [{ fault: { percentage: 20, delay_ms: 1 } }])));
  const random = new Xorshift64Star(12345n);
  let faulted = 0;
  for (let i = 0; i < 100_000; i++) if (decideFault(rules, request('/'), frontend, T0, random).action === 'fault') faulted++;
  assert.ok(Math.abs(faulted / 100_000 - 0.2) < 0.01, `faulted ${faulted}`);
});

// ---- counted faults (faults/limit.ts): one worker's counts, passed to every request of that worker ----------

function counting(ruleSet: CompiledRuleSet, counted: CountedFaults) {
  return (path: string, now = T0 + 1, draws: number[] = []): string | undefined =>
    ruleId(decideFault(ruleSet, request(path), frontend, now, new ScriptedDraws(draws), counted));
}

test('fault.limit.firstRequests: the first N requests the draw picks are faulted, then all pass; a new policy version starts over', () => {
  const limited = (version: string) =>
    set(
      stored(
        policy('first', [
          { match: { path: { exact: '/f' } }, fault: { percentage: 50, abort: { httpStatus: 503 }, limit: { firstRequests: 2 } } },
        ]),
        {
          version,
        },
      ),
      stored(policy('other', [{ fault: { abort: { httpStatus: 500 } } }], { priority: -1 })),
    );
  const counted = new CountedFaults();
  const decide = counting(limited('1'), counted);
  // Draws below 500,000 pick the request; a request the draw passes does not count.
  assert.deepEqual(
    [decide('/f', T0 + 1, [0]), decide('/f', T0 + 1, [999_999]), decide('/f', T0 + 1, [1]), decide('/f', T0 + 1, [2])],
    ['first/0', undefined, 'first/0', undefined],
    'two faulted, then the rule passes: no fall-through to the rule below',
  );
  assert.equal(decide('/other'), 'other/0', 'other rules are not counted');
  assert.equal(counting(limited('1'), counted)('/f', T0 + 1, [0]), undefined, 'the same policy version in a new rule set keeps its counts');
  assert.equal(counting(limited('2'), counted)('/f', T0 + 1, [0]), 'first/0', 'a new write of the policy starts over');
});

test('fault.limit.perSecond: a bucket N deep that refills at N a second, in thousandths of a token', () => {
  const rules = set(stored(policy('rate', [{ fault: { abort: { httpStatus: 429 }, limit: { perSecond: 2 } } }])));
  const decide = counting(rules, new CountedFaults());
  const at = (ms: number) => decide('/', T0 + ms);
  assert.deepEqual([at(0), at(0), at(0)], ['rate/0', 'rate/0', undefined], 'starts full: two at once');
  assert.equal(at(499), undefined, '499 ms refill 998 thousandths: not yet a token');
  assert.equal(at(500), 'rate/0', 'one token after 500 ms');
  assert.deepEqual([at(5_000), at(5_000), at(5_000)], ['rate/0', 'rate/0', undefined], 'never more than N deep');
});

test('fault.maxActive: at most N requests held at once; one over passes and is counted', () => {
  const rules = set(stored(policy('held', [{ fault: { delay_ms: 100, start_delay_ms: 10, maxActive: 2 } }])));
  const counted = new CountedFaults();
  const decide = counting(rules, counted);
  assert.deepEqual([decide('/', T0), decide('/', T0 + 50), decide('/', T0 + 60)], ['held/0', 'held/0', undefined]);
  assert.equal(counted.overMaxActive, 1);
  assert.equal(decide('/', T0 + 109), undefined, 'the first is held until start delay + delay have passed (110 ms)');
  assert.equal(decide('/', T0 + 110), 'held/0', 'then its place is free');
});

test('without counts given, a limited rule decides as a fresh worker would', () => {
  const rules = set(stored(policy('first', [{ fault: { abort: { httpStatus: 503 }, limit: { firstRequests: 1 } } }])));
  assert.equal(decide(rules, request('/')).action, 'fault');
  assert.equal(decide(rules, request('/')).action, 'fault');
});

test('a reset rule decides reset, after its wait; a plain decision carries no reset field', () => {
  const rules = set(
    stored(policy('reset', [{ match: { path: { exact: '/r' } }, fault: { delay_ms: 20, reset: {} } }])),
    stored(policy('plain', [{ fault: { abort: { httpStatus: 503 } } }], { priority: -1 })),
  );
  assert.deepEqual(decide(rules, request('/r')), {
    action: 'fault',
    ruleId: 'reset/0',
    policy: 'reset',
    ruleIndex: 0,
    startDelayMs: 0,
    delayMs: 20,
    abort: null,
    reset: true,
  });
  assert.equal('reset' in decide(rules, request('/x')), false);
});

test('a response-phase rule is decided at request time; responseFaulted applies its status range to the answer', () => {
  const rules = set(
    stored(
      policy('on-5xx', [
        { match: { path: { exact: '/r' }, responseStatus: '5xx' }, fault: { phase: 'response', abort: { httpStatus: 502 } } },
      ]),
    ),
    stored(policy('plain', [{ fault: { abort: { httpStatus: 503 } } }], { priority: -1 })),
  );
  const decided = decide(rules, request('/r'));
  assert.equal(decided.action === 'fault' && decided.phase, 'response');
  assert.deepEqual(decided.action === 'fault' && decided.responseStatus, { min: 500, max: 599 });
  assert.equal(responseFaulted(decided, 503), decided);
  assert.deepEqual(responseFaulted(decided, 200), { action: 'pass' }, 'out of range: passes, no fall-through to "plain"');
  const plain = decide(rules, request('/x'));
  assert.equal(responseFaulted(plain, 200), plain, 'request-phase decisions are unaffected');
  assert.equal('phase' in plain, false);
});

test('request overrides: valid headers replace the delay and abort status after the draws; invalid ones and other policies are ignored', () => {
  const rules = set(
    stored(
      policy('chosen', [{ match: { path: { prefix: '/c' } }, fault: { delay_ms: 5 } }], {
        requestOverrides: { maxDelay: '50ms', abortStatuses: [503] },
      }),
    ),
    stored(policy('closed', [{ fault: { delay_ms: 5 } }], { priority: -1 })),
  );
  const withHeaders = (path: string, headers: [string, string][]) => decide(rules, request(path, 'GET', headers));
  const chosen = withHeaders('/c', [
    ['x-hfi-fault-delay-ms', '30'],
    ['x-hfi-fault-abort-status', '503'],
  ]);
  assert.equal(chosen.action === 'fault' && chosen.delayMs, 30);
  assert.deepEqual(chosen.action === 'fault' && chosen.abort, { status: 503, grpcStatus: -1, body: '', headers: [] });
  const ignored = withHeaders('/c', [
    ['x-hfi-fault-delay-ms', '51'],
    ['x-hfi-fault-abort-status', '500'],
  ]);
  assert.equal(ignored.action === 'fault' && ignored.delayMs, 5);
  assert.equal(ignored.action === 'fault' && ignored.abort, null);
  const closed = withHeaders('/other', [['x-hfi-fault-abort-status', '503']]);
  assert.equal(closed.action === 'fault' && closed.abort, null, 'a policy without requestOverrides: the headers do nothing');
});
