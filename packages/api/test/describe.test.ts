// Field paths: splitPath reads back every path childPath writes (the dashboard finds a field's line by it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childPath, splitPath } from '../src/constants.js';

test('splitPath inverts childPath: names, indexes and quoted keys', () => {
  const segments: (string | number)[][] = [
    ['spec', 'rules', 0, 'fault', 'percentage'],
    ['metadata', 'labels', 'app.kubernetes.io/name'],
    ['spec', 'rules', 12, 'match', 'headers', 3, 'x-"odd"\\key'],
    ['kind'],
  ];
  for (const path of segments) {
    const written = path.reduce<string>((parent, key) => childPath(parent, key), '');
    assert.deepEqual(splitPath(written), path, written);
  }
  assert.deepEqual(splitPath(''), []);
});

test('splitPath refuses what childPath never writes', () => {
  for (const bad of ['.spec', 'spec..rules', 'spec[x]', 'spec["open]', 'spec rules']) assert.equal(splitPath(bad), undefined, bad);
});
