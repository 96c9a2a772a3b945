import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS, parsePolicyDocuments, readPlainJson } from '../src/index.js';

test('JSON, a JSON list, and YAML with several documents (empty ones skipped)', () => {
  assert.deepEqual(parsePolicyDocuments('{"metadata":{"name":"a"}}'), { documents: [{ metadata: { name: 'a' } }], errors: [] });
  assert.deepEqual(parsePolicyDocuments('[{"a":1},{"b":2}]').documents, [{ a: 1 }, { b: 2 }]);
  assert.deepEqual(parsePolicyDocuments('a: 1\n---\n---\n# comment only\n---\nb: 2\n').documents, [{ a: 1 }, { b: 2 }]);
  assert.deepEqual(parsePolicyDocuments(''), { documents: [], errors: [] });
});

test('syntax errors name the document and the line and column', () => {
  const { errors } = parsePolicyDocuments('a: 1\n---\nb: [1,\n');
  assert.equal(errors.length > 0, true);
  assert.equal(errors[0]!.document, 1);
  assert.equal(errors[0]!.path, '');
  assert.match(errors[0]!.message, /line \d+, column \d+/);
});

test('duplicate keys are errors, and alias bombs are refused quickly', () => {
  assert.equal(parsePolicyDocuments('a: 1\na: 2\n').errors.length, 1);
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 10; i++)
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  const started = performance.now();
  const result = parsePolicyDocuments(bomb.join('\n'));
  assert.ok(result.errors.length > 0);
  assert.match(result.errors[0]!.message, /alias/i);
  assert.ok(performance.now() - started < 2_000);
});

test('never throws on odd text', () => {
  for (const text of ['\u0000', '%YAML 9.9\n---\n', ']]]', '{', '- - - -', '!!binary xx', '&a *a', '"\\q"']) {
    const result = parsePolicyDocuments(text);
    assert.ok(Array.isArray(result.documents) && Array.isArray(result.errors));
  }
});

test('JSON read as JSON: a key given twice is refused naming its field path, not silently the last one kept', () => {
  const { documents, errors } = parsePolicyDocuments('{"spec": {"rules": [{"a": 1}], "rules": []}}', { format: 'json' });
  assert.deepEqual(documents, []);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.path, 'spec.rules');
  assert.match(errors[0]!.message, /line 1, column 32: duplicate key "rules"/);
  // Escapes are compared decoded: "\u0061" is "a".
  assert.equal(parsePolicyDocuments('{"a": 1, "\\u0061": 2}', { format: 'json' }).errors[0]?.path, 'a');
  assert.deepEqual(parsePolicyDocuments('[{"a":1},{"b":2}]', { format: 'json' }).documents, [{ a: 1 }, { b: 2 }]);
});

test('YAML names the duplicate key by its field path', () => {
  const { errors } = parsePolicyDocuments('spec:\n  rules:\n    - fault: {delay_ms: 1}\n      fault: {delay_ms: 2}\n');
  assert.equal(errors[0]?.path, 'spec.rules[0].fault');
  assert.match(errors[0]!.message, /duplicate key "fault"/);
});

test('nesting is bounded while parsing, in YAML and JSON: a 200 KB nested body is refused at once', () => {
  const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  for (const format of ['yaml', 'json'] as const) {
    const started = performance.now();
    const { errors } = parsePolicyDocuments(nested, { format });
    assert.match(errors[0]!.message, new RegExp(`nested more than ${LIMITS.nestingDepth} deep`), format);
    assert.ok(performance.now() - started < 500, `${format} took ${performance.now() - started} ms`);
  }
  // Block sequences nest with two characters per level.
  assert.match(parsePolicyDocuments(`${'- '.repeat(40)}x`).errors[0]!.message, /nested more than/);
  // A list of policies, each as deep as a policy gets, is well within the bound.
  const deepest = { metadata: { labels: { a: 'b' } }, spec: { rules: [{ match: { headers: [{ name: 'x', exact: 'y' }] } }] } };
  assert.deepEqual(parsePolicyDocuments(JSON.stringify({ items: [deepest] }), { format: 'json' }).errors, []);
});

test('an object with more keys than any policy needs is refused while parsing (no quadratic duplicate check)', () => {
  const wide = Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n');
  const started = performance.now();
  assert.match(parsePolicyDocuments(wide).errors[0]!.message, new RegExp(`at most ${LIMITS.objectKeys} keys`));
  assert.ok(performance.now() - started < 1_000, `took ${performance.now() - started} ms`);
  const json = `{${Array.from({ length: 40_000 }, (_, i) => `"k${i}": 1`).join(',')}}`;
  assert.match(parsePolicyDocuments(json, { format: 'json' }).errors[0]!.message, /at most \d+ keys/);
});

test('JSON syntax errors name the line and column; empty JSON is an error, empty YAML is no document', () => {
  const { errors } = parsePolicyDocuments('{\n  "a": 1,\n}', { format: 'json' });
  assert.match(errors[0]!.message, /^syntax error at line 3, column 1: /);
  assert.equal(parsePolicyDocuments('', { format: 'json' }).errors.length, 1);
  assert.equal(parsePolicyDocuments('{"a": 1} // c', { format: 'json' }).errors.length, 1);
});

test('plain JSON (data-plane polls): the last of a key given twice is kept, nesting beyond the limit is refused, brackets in strings do not count', () => {
  assert.deepEqual(readPlainJson('{"v": 1, "v": 2}'), { value: { v: 2 }, errors: [] });
  const limit = LIMITS.nestingDepth;
  const nested = (depth: number, inner = '0') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
  assert.equal(readPlainJson(nested(limit)).errors.length, 0);
  const deep = readPlainJson(nested(limit + 1));
  assert.equal(deep.value, undefined);
  assert.match(deep.errors[0]!.message, new RegExp(`^at offset ${limit}: objects and lists are nested more than ${limit} deep$`));
  // An escaped quote and an escaped backslash inside strings: the brackets after them are still in the string.
  assert.deepEqual(readPlainJson(nested(limit, '"\\"[[[[[[[[[[[[[[[[[[[[", "\\\\"')).errors, []);
  assert.match(readPlainJson('{"a": ').errors[0]!.message, /JSON/);
});
