// Time for the host: wall clock reads and timers. The proxy uses real timers; tests use a simulated clock
// where time only moves through advance().

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  /** Wall clock, epoch milliseconds (fractional allowed). */
  now(): number;
  /** Monotonic nanoseconds. */
  monotonicNs(): bigint;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  /** Tracks asynchronous work (cluster calls) so a simulated clock can wait for it. */
  track(work: Promise<unknown>): void;
}

interface SimTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class SimulatedScheduler implements Scheduler {
  private nowMs: number;
  private readonly startMs: number;
  private timers: SimTimer[] = [];
  private seq = 0;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(startMs: number) {
    this.nowMs = startMs;
    this.startMs = startMs;
  }
  now(): number {
    return this.nowMs;
  }
  monotonicNs(): bigint {
    return BigInt(Math.round((this.nowMs - this.startMs) * 1e6));
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer: SimTimer = { at: this.nowMs + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
  track(work: Promise<unknown>): void {
    const p = work.finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits until tracked work is done and due zero-delay timers have run. */
  async settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.pending.size > 0) {
        await Promise.allSettled([...this.pending]);
        continue;
      }
      if (!this.runDue(this.nowMs)) return;
    }
  }

  async advance(ms: number): Promise<void> {
    const target = this.nowMs + Math.max(0, ms);
    await this.settle();
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > target) break;
      this.nowMs = Math.max(this.nowMs, next.at);
      this.runDue(this.nowMs);
      await this.settle();
    }
    this.nowMs = target;
    await this.settle();
  }

  private nextTimer(): SimTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: SimTimer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  /** Runs every timer due at or before `at`, in order; returns whether any ran. */
  private runDue(at: number): boolean {
    let ran = false;
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > at) return ran;
      next.cancelled = true;
      ran = true;
      next.fn();
    }
  }
}

/** Real timers for hfi-proxy (main.ts passes the real clock in). */
export class RealScheduler implements Scheduler {
  constructor(
    private readonly clock: () => number,
    private readonly monotonic: () => bigint,
  ) {}
  now(): number {
    return this.clock();
  }
  monotonicNs(): bigint {
    return this.monotonic();
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
  track(): void {}
}
