// The editor's errors at their lines: the server's field paths found in the YAML the user wrote.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeErrors, syntaxErrors } from '../src/model/field-lines.js';
import { describeFault, describeMatch, editableYaml } from '../src/model/policy-text.js';

const YAML = `metadata:
  name: checkout-abort
  labels: { "app.kubernetes.io/name": "x" }
spec:
  selector: { service: frontend, namespace: demo }
  rules:
    - match:
        path: { prefix: /api }
      fault:
        percentage: 150
        abort: { httpStatus: 503 }
    - fault:
        percentage:
`;

test('a field error is placed at the line of its key, through lists and quoted keys', () => {
  const placed = placeErrors(YAML, [
    { path: 'spec.rules[0].fault.percentage', message: 'must be at most 100' },
    { path: 'metadata.labels["app.kubernetes.io/name"]', message: 'bad' },
    { path: 'spec.rules[1].fault.percentage', message: 'expected a number, found null' },
  ]);
  assert.deepEqual(
    placed.map((p) => [p.line, p.exact]),
    [
      [10, true],
      [3, true],
      [13, true],
    ],
  );
});

test('a missing field is placed at its nearest existing parent, marked inexact; an unreadable path at the document', () => {
  const [missing, root, bogus] = placeErrors(YAML, [
    { path: 'spec.rules[1].fault.abort.httpStatus', message: 'required' },
    { path: '', message: 'needs a kind' },
    { path: 'spec..rules', message: 'x' },
  ]);
  assert.deepEqual([missing?.line, missing?.exact], [12, false]);
  assert.equal(root?.line, 1);
  assert.equal(bogus?.line, 1);
});

test('syntax errors are placed where the parser stopped', () => {
  const errors = syntaxErrors('metadata:\n  name: a\nspec: [\n');
  assert.ok(errors.length > 0);
  assert.ok(
    errors.every((e) => e.line !== undefined && e.line >= 3),
    JSON.stringify(errors),
  );
  assert.deepEqual(syntaxErrors(YAML), []);
});

test('a rule reads as one line; the YAML to edit keeps the version and drops the status and timestamps', () => {
  assert.equal(describeMatch({ fault: {} as never }), 'every request');
  assert.equal(
    describeMatch({
      match: { method: { exact: 'GET' }, path: { prefix: '/a' }, headers: [{ name: 'x-test', present: true }] },
      fault: {} as never,
    }),
    'method exact "GET", path prefix "/a", header x-test present true',
  );
  assert.equal(
    describeFault({ fault: { percentage: 25, delay: { fixed_delay_ms: 300 }, start_delay_ms: 0, duration_seconds: 60 } }),
    'delay 300 ms, 25%, for 60 s',
  );
  const text = editableYaml({
    apiVersion: 'v1',
    kind: 'FaultInjectionPolicy',
    metadata: { name: 'p', version: '7', createdAt: 'c', updatedAt: 'u' },
    spec: { selector: { service: '*', namespace: '*' }, priority: 0, rules: [] },
    status: {} as never,
  });
  assert.match(text, /version: "7"/);
  assert.doesNotMatch(text, /status|createdAt|updatedAt/);
});
