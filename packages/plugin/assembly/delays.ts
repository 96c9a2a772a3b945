// Delayed requests of one root context: a binary min-heap on deadline. Each stream knows its own
// position, so a client that goes away leaves the queue in O(log n).

import { noteHeld } from './faults/limit';
import { Stream } from './stream';

export class DelayQueue {
  private heap: Stream[] = [];

  get size(): i32 {
    return this.heap.length;
  }

  /** Earliest deadline, or -1 when empty. */
  nextDeadline(): i64 {
    return this.heap.length == 0 ? -1 : unchecked(this.heap[0]).deadlineMs;
  }

  push(stream: Stream): void {
    const i = this.heap.length;
    this.heap.push(stream);
    stream.heapIndex = i;
    noteHeld(stream.rule, 1);
    this.up(i);
  }

  /** Every waiting stream, in no particular order (a copy: the caller may remove them). */
  waiting(): Stream[] {
    return this.heap.slice(0);
  }

  /** Removes and returns the earliest stream whose deadline is at or before `nowMs`, or null. */
  popDue(nowMs: i64): Stream | null {
    if (this.heap.length == 0) return null;
    const top = unchecked(this.heap[0]);
    if (top.deadlineMs > nowMs) return null;
    this.removeAt(0);
    return top;
  }

  remove(stream: Stream): void {
    const i = stream.heapIndex;
    if (i < 0 || i >= this.heap.length || this.heap[i] !== stream) return;
    this.removeAt(i);
  }

  private removeAt(i: i32): void {
    const removed = this.heap[i];
    const last = this.heap.pop();
    removed.heapIndex = -1;
    noteHeld(removed.rule, -1);
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
  }

  private swap(a: i32, b: i32): void {
    const x = this.heap[a];
    const y = this.heap[b];
    this.heap[a] = y;
    this.heap[b] = x;
    y.heapIndex = a;
    x.heapIndex = b;
  }

  private up(i: i32): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.heap[parent].deadlineMs <= this.heap[i].deadlineMs) break;
      this.swap(parent, i);
      i = parent;
    }
  }

  private down(i: i32): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && this.heap[l].deadlineMs < this.heap[smallest].deadlineMs) smallest = l;
      if (r < n && this.heap[r].deadlineMs < this.heap[smallest].deadlineMs) smallest = r;
      if (smallest == i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
