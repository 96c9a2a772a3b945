import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContextBase } from '../src/context.js';
import { ContextTable } from '../src/context-table.js';

test('context table: set, get, delete and size over many short-lived ids', () => {
  const table = new ContextTable();
  const ctx = (id: number) => ({ id }) as unknown as ContextBase;
  const root = ctx(1);
  table.set(1, root);
  for (let id = 2; id < 10_000; id++) {
    table.set(id, ctx(id));
    if (id > 51) assert.equal(table.delete(id - 50), true);
  }
  assert.equal(table.get(1), root);
  assert.equal(table.get(9_999)?.id, 9_999);
  assert.equal(table.get(100), undefined);
  assert.equal(table.delete(100), false);
  assert.equal(table.size, 1 + 50); // the root and the last 50 ids
});
