// Search-space files: the example is valid and read with its defaults; bad input names every field at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '@hfi/policy';
import { readSearchSpace } from '../src/space/read.js';
import { MESH_TEXT, meshSpace } from './support/spaces.js';

function errorsOf(text: string): { path: string; message: string }[] {
  const read = readSearchSpace(text);
  assert.equal(read.ok, false, 'expected the space to be refused');
  return read.ok ? [] : read.errors;
}

test('the example mesh space reads with durations in ms and the trial length in seconds', () => {
  const { space } = meshSpace();
  assert.equal(space.name, 'mesh-weak-spots');
  assert.deepEqual(space.faults.delay, { ms: { min: 10, max: 3000, scale: 'log' } });
  assert.deepEqual(space.faults.abort, { statuses: [500, 503, 404] });
  assert.equal(space.trialSeconds, 8);
  assert.deepEqual(space.objective.latency, { weight: 0.4, quantile: 'p99', sloMs: 300, fullMs: 1000 });
  assert.deepEqual(space.targets[0]!.methods, [null, 'GET', 'POST']);
  assert.equal(space.guards.maxErrorRate, 0.2);
});

test('defaults: any path and method, 100 percent, budget 30, 30 s trials, seed 1, no guards', () => {
  const read = readSearchSpace(
    'name: tiny\ntargets: [{service: cart}]\nfaults: {abort: {statuses: [503]}}\nobjective: {workload: {service: frontend}, errorRate: {}}\n',
  );
  assert.ok(read.ok, JSON.stringify(read));
  assert.deepEqual(read.space.targets, [{ service: 'cart', namespace: 'default', paths: [null], methods: [null] }]);
  assert.deepEqual(read.space.percentage, { min: 100, max: 100, scale: 'linear' });
  assert.equal(read.space.budget, 30);
  assert.equal(read.space.trialSeconds, 30);
  assert.equal(read.space.seed, 1);
  assert.deepEqual(read.space.guards, { maxErrorRate: null, stopWhen: [] });
  assert.deepEqual(read.space.objective.errorRate, { weight: 1, fullAt: 1, count: ['5xx'] });
});

test('every error at once, each naming its field path and the reason', () => {
  const errors = errorsOf(
    [
      'name: Not_A_Label',
      'targets:',
      '  - service: cart',
      '    paths: [{prefix: cart}, {exact: /a, prefix: /b}]',
      '    methods: [GET, GET]',
      'faults:',
      '  delay: {min: 2s, max: 1s}',
      '  abort: {statuses: [500, 700, 500]}',
      'percentage: {min: 0, max: 100}',
      'objective:',
      '  workload: {service: frontend}',
      '  latency: {slo: 1s, full: 500ms}',
      'budget: 0',
      'trialLength: 1500ms',
      'guards: {maxErrorRate: 2}',
    ].join('\n'),
  );
  const paths = errors.map((e) => e.path);
  assert.deepEqual(paths, [
    'name',
    'targets[0].paths[0].prefix',
    'targets[0].paths[1]',
    'targets[0].methods[1]',
    'faults.delay.max',
    'faults.abort.statuses[1]',
    'faults.abort.statuses[2]',
    'percentage.min',
    'objective.latency.full',
    'budget',
    'trialLength',
    'guards.maxErrorRate',
  ]);
  const byPath = new Map(errors.map((e) => [e.path, e.message]));
  assert.match(byPath.get('faults.delay.max')!, /must not be below min \(2000ms\), found 1000ms/);
  assert.match(byPath.get('faults.abort.statuses[1]')!, /from 200 to 599 \(an HTTP status\), found number 700/);
  assert.match(byPath.get('faults.abort.statuses[2]')!, /listed twice/);
  assert.match(byPath.get('trialLength')!, /whole seconds/);
  assert.match(byPath.get('targets[0].paths[1]')!, /exactly one of exact, prefix, found both/);
});

test('unknown keys get a did-you-mean, as in policies', () => {
  const errors = errorsOf(MESH_TEXT.replace('budget: 40', 'budgte: 40').replace('errorRate:', 'errorRat:'));
  assert.deepEqual(
    errors.map((e) => [e.path, e.message]),
    [
      ['budgte', 'unknown field (did you mean "budget"?)'],
      ['objective.errorRat', 'unknown field (did you mean "errorRate"?)'],
    ],
  );
});

test('an unknown fault kind lists the kinds there are', () => {
  const errors = errorsOf(MESH_TEXT.replace('  abort:', '  reset:'));
  assert.deepEqual(errors, [{ path: 'faults.reset', message: 'unknown field (expected one of: delay, abort)' }]);
});

test('a target listed twice, a missing objective term and a bad stop condition are refused', () => {
  const errors = errorsOf(
    [
      'name: twice',
      'targets: [{service: cart, namespace: demo}, {service: cart, namespace: demo}]',
      'faults: {abort: {statuses: [503]}}',
      'objective: {workload: {service: frontend}}',
      'guards: {stopWhen: [{workload: {service: frontend}, metric: errors, above: 0.5}]}',
    ].join('\n'),
  );
  assert.deepEqual(
    errors.map((e) => e.path),
    ['targets[1]', 'objective', 'guards.stopWhen[0].metric'],
  );
});

test('a stop threshold is bounded as the trial policy bounds it: an error rate is a fraction, a p99 at most the longest delay', () => {
  const guards = (above: string) =>
    MESH_TEXT.replace(
      'guards:\n',
      `guards:\n  stopWhen: [{workload: {service: frontend, namespace: demo}, metric: errorRate, above: ${above}}, {workload: {service: frontend, namespace: demo}, metric: latencyP99Ms, above: ${LIMITS.maxDelayMs + 1}}]\n`,
    );
  const errors = errorsOf(guards('5'));
  assert.deepEqual(
    errors.map((e) => e.path),
    ['guards.stopWhen[0].above', 'guards.stopWhen[1].above'],
  );
  assert.match(errors[0]!.message, /from 0 to 1 \(an error rate as a fraction\), found number 5/);
  assert.match(errors[1]!.message, new RegExp(`from 1 to ${LIMITS.maxDelayMs} \\(a p99 latency in milliseconds\\)`));
});

test('syntax errors give the line; several documents are refused', () => {
  const [syntax] = errorsOf('name: a\ntargets: [\n');
  assert.match(syntax!.message, /^syntax error at line \d+, column \d+/);
  assert.deepEqual(errorsOf(`${MESH_TEXT}\n---\n${MESH_TEXT}`), [{ path: '', message: 'expected one search space, found 2 documents' }]);
  assert.deepEqual(errorsOf('[1, 2]').length, 1);
});
