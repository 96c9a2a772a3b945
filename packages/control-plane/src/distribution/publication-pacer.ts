// When to publish. Publishing hashes the whole set (milliseconds at thousands of policies). A change after
// a quiet spell is published on the next turn of the event loop; while changes keep coming, the next
// publication waits until DUTY_FACTOR times the last one's cost has passed since it ended, so a burst of
// writes costs a few publications, not one per write, and publishing never takes more than about
// 1/DUTY_FACTOR of the process (docs/adr/0012-paced-publication-and-raw-poll-answers.md).

const DUTY_FACTOR = 4;
const MAX_WAIT_MS = 100;

export class PublicationPacer {
  private scheduled = false;
  /** Duration and end (performance.now()) of the last timed publication, which pace the next one. */
  private lastCostMs = 0;
  private lastEndedAt = 0;

  /** `publish` runs once per schedule, on its own or at a flush, whichever comes first. */
  constructor(private readonly publish: () => void) {}

  /** A publication is due; several calls before it runs are one publication. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastEndedAt + DUTY_FACTOR * this.lastCostMs - performance.now();
    if (wait < 1) setImmediate(() => this.run());
    else setTimeout(() => this.run(), Math.min(wait, MAX_WAIT_MS));
  }

  /** Publishes now if a publication is due. */
  flush(): void {
    if (this.scheduled) this.run();
  }

  /** Runs the costly part of a publication and records its cost for pacing the next one. */
  timed<T>(work: () => T): T {
    const started = performance.now();
    const result = work();
    this.lastEndedAt = performance.now();
    this.lastCostMs = this.lastEndedAt - started;
    return result;
  }

  private run(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    this.publish();
  }
}
