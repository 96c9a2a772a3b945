import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicyDocuments } from '../src/index.js';

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
