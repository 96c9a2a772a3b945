// A job run about every interval, one round at a time: a round still running when the next is due is not
// overlapped, and a call while one runs joins it. Shared by the replicas' sharing rounds and the stop-condition
// evaluator. The timer is unref'd: a round never keeps the process alive.
export class PeriodicRound {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  /** `round` handles its own errors: a rejection here would be unhandled. */
  constructor(private readonly round: () => Promise<void>) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.run(), intervalMs);
    this.timer.unref();
  }

  /** Runs a round now, or joins the one running. */
  run(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Ends the interval; resolves once a running round has finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
