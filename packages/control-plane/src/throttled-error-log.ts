// While a dependency stays down the same error repeats every retry; the log should say so once, then
// remind every `intervalMs` with how many were left out, not print a stack per attempt.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './clock.js';

export class ThrottledErrorLog {
  private readonly lastLogged = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly clock: Clock,
    private readonly message: string,
    private readonly intervalMs = 30_000,
  ) {}

  report(operation: string, error: unknown): void {
    const now = this.clock.now();
    const last = this.lastLogged.get(operation);
    if (last && now - last.atMs < this.intervalMs) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.lastLogged.set(operation, { atMs: now, suppressed: 0 });
    this.log.warn({ operation, err: error, ...(suppressed > 0 ? { suppressedSinceLast: suppressed } : {}) }, this.message);
  }
}
