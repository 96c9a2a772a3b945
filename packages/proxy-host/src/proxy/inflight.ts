// Route timeouts for every in-flight upstream request with ONE timer: all have the same timeout, so
// insertion order is deadline order. Entries sit in an intrusive doubly-linked list (O(1) add/remove,
// no allocation per request); the timer is armed for the oldest entry and re-armed when it fires.
import type { Scheduler, TimerHandle } from '../scheduler.js';

export interface InflightEntry<T> {
  prev: T | null;
  next: T | null;
  deadline: number;
  inList: boolean;
}

export class InflightList<T extends InflightEntry<T>> {
  private head: T | null = null;
  private tail: T | null = null;
  private timer: TimerHandle | null = null;
  private timerAt = 0;
  private closed = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly timeoutMs: number,
    private readonly expire: (entry: T) => void,
  ) {}

  add(entry: T): void {
    if (entry.inList) this.remove(entry);
    entry.deadline = this.scheduler.now() + this.timeoutMs;
    entry.inList = true;
    entry.prev = this.tail;
    entry.next = null;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.timer) this.arm(entry.deadline);
  }

  remove(entry: T): void {
    if (!entry.inList) return;
    entry.inList = false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = null;
    entry.next = null;
    // The timer stays armed: when it fires early it re-arms for the new oldest entry.
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private arm(at: number): void {
    if (this.closed) return;
    this.timerAt = at;
    this.timer = this.scheduler.setTimer(Math.max(0, at - this.scheduler.now()), () => this.fire());
  }

  private fire(): void {
    this.timer = null;
    const now = this.scheduler.now();
    // Fire at or after the deadline (timers may run a little early on a coarse clock: allow 1 ms).
    while (this.head && this.head.deadline <= now + 1) {
      const entry = this.head;
      this.remove(entry);
      this.expire(entry);
    }
    if (this.head) this.arm(Math.max(this.head.deadline, this.timerAt));
  }
}
