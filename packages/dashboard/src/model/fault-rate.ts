// Faults per second from the totals the status poll reads: each sample is a total at a time; the rate
// between two samples is the difference over the time between them. A total that goes down (the policy was
// deleted and made again) starts the series again.

export interface RateSeries {
  /** Seconds since the epoch, one per interval (uPlot's x axis). */
  times: number[];
  /** Faults per second over the interval ending at the same index. */
  rates: number[];
}

/** How far back the rate is kept (and the chart looks). */
export const FAULT_RATE_WINDOW_MS = 5 * 60_000;

export class FaultRate {
  private readonly samples: { atMs: number; total: number }[] = [];

  constructor(private readonly windowMs = FAULT_RATE_WINDOW_MS) {}

  add(atMs: number, total: number): void {
    const last = this.samples.at(-1);
    if (last && total < last.total) this.samples.length = 0;
    if (last && atMs <= last.atMs) return;
    this.samples.push({ atMs, total });
    while (this.samples.length > 2 && this.samples[0]!.atMs < atMs - this.windowMs) this.samples.shift();
  }

  series(): RateSeries {
    const times: number[] = [];
    const rates: number[] = [];
    for (let i = 1; i < this.samples.length; i++) {
      const a = this.samples[i - 1]!;
      const b = this.samples[i]!;
      times.push(b.atMs / 1000);
      rates.push(((b.total - a.total) * 1000) / (b.atMs - a.atMs));
    }
    return { times, rates };
  }
}
