// Encoding: every candidate of the space decodes to a policy that validates, time-limited and labelled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatePolicy } from '@hfi/policy';
import { candidateKey, fromUnit, toUnit } from '../src/encoding/dimensions.js';
import { LABELS, policyForCandidate } from '../src/encoding/policy.js';
import { candidateProblems, encodeSpace } from '../src/encoding/space-encoding.js';
import { gridPoints } from '../src/optimisers/grid-search.js';
import { neighbour, randomCandidate } from '../src/optimisers/sampling.js';
import { streamRandom } from '../src/random.js';
import { meshSpace, meshSpaceWith } from './support/spaces.js';

const { space } = meshSpace();
const encoding = encodeSpace(space);

test('the mesh space has 15 routes (targets x paths x methods) and five dimensions', () => {
  assert.equal(encoding.routes.size, 2 * 3 + 3 * 3);
  assert.deepEqual(
    encoding.dimensions.map((d) => d.name),
    ['target', 'kind', 'delay_ms', 'http_status', 'percentage'],
  );
});

test('every random, neighbouring and grid candidate decodes to a valid, time-limited, labelled policy', () => {
  const random = streamRandom(7, 'test', 0);
  const candidates = [...gridPoints(encoding.dimensions, 3, Number.POSITIVE_INFINITY)];
  for (let i = 0; i < 300; i++) {
    const c = randomCandidate(encoding.dimensions, random);
    candidates.push(c, neighbour(encoding.dimensions, c, random));
  }
  for (const [index, candidate] of candidates.entries()) {
    assert.deepEqual(candidateProblems(encoding, candidate), [], candidateKey(encoding.dimensions, candidate));
    const policy = policyForCandidate(space, encoding, candidate, { sessionId: 'mesh-weak-spots-0a1b2c3d', trial: index + 1 });
    const check = validatePolicy(policy);
    assert.ok(check.ok, JSON.stringify(check));
    assert.deepEqual(check.policy, policy, 'the policy is already in canonical form');
    const fault = policy.spec.rules[0]!.fault;
    assert.equal(fault.duration_seconds, space.trialSeconds);
    assert.equal(Boolean(fault.delay) !== Boolean(fault.abort), true, 'exactly one of delay and abort');
    assert.equal(policy.metadata.labels?.[LABELS.session], 'mesh-weak-spots-0a1b2c3d');
    assert.equal(policy.metadata.labels?.[LABELS.trial], String(index + 1));
  }
});

test('a candidate decodes to the route, fault and percentage it names', () => {
  const policy = policyForCandidate(
    space,
    encoding,
    { target: 'demo/catalog GET =/catalog/items', kind: 'delay', delay_ms: 412, percentage: 80 },
    { sessionId: 's-1', trial: 3 },
  );
  assert.equal(policy.metadata.name, 's-1-t3');
  assert.deepEqual(policy.spec.selector, { service: 'catalog', namespace: 'demo' });
  assert.deepEqual(policy.spec.rules[0], {
    match: { path: { exact: '/catalog/items' }, method: { exact: 'GET' } },
    fault: { percentage: 80, delay: { fixed_delay_ms: 412 }, start_delay_ms: 0, duration_seconds: 8 },
  });
  const any = policyForCandidate(
    space,
    encoding,
    { target: 'demo/cart * /cart*', kind: 'abort', http_status: '503', percentage: 10 },
    { sessionId: 's-1', trial: 4 },
  );
  assert.deepEqual(any.spec.rules[0]!.match, { path: { prefix: '/cart' } });
  assert.deepEqual(any.spec.rules[0]!.fault.abort, { httpStatus: 503 });
});

test('log-scaled dimensions round-trip through the unit interval and stay inside their range', () => {
  const delay = encoding.dimensions.find((d) => d.name === 'delay_ms');
  assert.ok(delay?.kind === 'numeric');
  assert.equal(fromUnit(delay, 0), 10);
  assert.equal(fromUnit(delay, 1), 3000);
  assert.equal(fromUnit(delay, 0.5), Math.round(Math.sqrt(10 * 3000)));
  assert.ok(Math.abs(toUnit(delay, 173) - 0.5) < 0.001);
  assert.equal(fromUnit(delay, 1.7), 3000);
});

test('a candidate that no longer fits the space is described', () => {
  assert.deepEqual(
    candidateProblems(encoding, { target: 'demo/nowhere * *', kind: 'abort', http_status: '418', delay_ms: 5, percentage: 500 }),
    [
      'target: "demo/nowhere * *" is not a choice',
      'delay_ms is set but does not apply',
      'http_status: "418" is not a choice',
      'percentage: 500 is outside 10..100',
    ],
  );
});

test('the space guards become the trial policy spec.stopWhen: rates in percent, the trial length as the window', () => {
  const { space: guarded } = meshSpaceWith({
    guards: {
      stopWhen: [
        { workload: { service: 'frontend', namespace: 'demo' }, metric: 'errorRate', above: 0.3 },
        { workload: { service: 'cart', namespace: 'demo' }, metric: 'latencyP99Ms', above: 1500 },
      ],
    },
  });
  const policy = policyForCandidate(
    guarded,
    encodeSpace(guarded),
    { target: 'demo/catalog * /catalog*', kind: 'delay', delay_ms: 412, percentage: 80 },
    { sessionId: 's-1', trial: 1 },
  );
  assert.deepEqual(policy.spec.stopWhen, [
    {
      selector: { service: 'frontend', namespace: 'demo' },
      errorRateAbove: 30,
      windowMs: 8000,
      minRequests: policy.spec.stopWhen?.[0]?.minRequests,
    },
    {
      selector: { service: 'cart', namespace: 'demo' },
      p99LatencyAboveMs: 1500,
      windowMs: 8000,
      minRequests: policy.spec.stopWhen?.[1]?.minRequests,
    },
  ]);
  assert.ok(validatePolicy(policy).ok);
  const unguarded = policyForCandidate(
    space,
    encodeSpace(space),
    { target: 'demo/catalog * /catalog*', kind: 'delay', delay_ms: 412, percentage: 80 },
    { sessionId: 's-1', trial: 1 },
  );
  assert.equal(unguarded.spec.stopWhen, undefined);
});
