// The contexts of one VM by id. Not a Map: stream ids only grow and each lives for one request, so a
// Map keeps rehashing, and V8 links every obsolete Map table to its successor and keeps its entries.
// Once one obsolete table is promoted, that chain makes the scavenger promote every later table and
// the stream contexts (and requests) they still name, until the next mark-compact (docs/benchmarks/proxy.md).
// A dictionary-mode object rehashes without linking old and new tables.
import type { ContextBase } from './context.js';

export class ContextTable {
  private byId: Record<number, ContextBase> = Object.create(null) as Record<number, ContextBase>;
  private count = 0;

  get size(): number {
    return this.count;
  }
  get(id: number): ContextBase | undefined {
    return this.byId[id];
  }
  set(id: number, context: ContextBase): void {
    if (this.byId[id] === undefined) this.count++;
    this.byId[id] = context;
  }
  delete(id: number): boolean {
    if (this.byId[id] === undefined) return false;
    delete this.byId[id];
    this.count--;
    return true;
  }
}
