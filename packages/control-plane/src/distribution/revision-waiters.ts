// Writers waiting for their own change to come back through the store's watch (read-your-writes).

interface Waiter {
  revision: number;
  resolve: (reached: boolean) => void;
}

export class RevisionWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves true once `reached` is called with `revision` or later, false after `timeoutMs`. */
  wait(revision: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        revision,
        resolve: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The mirror now holds `revision`: everyone waiting for it or an earlier one is released. */
  reached(revision: number): void {
    for (const waiter of this.waiters) {
      if (revision >= waiter.revision) {
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }
}
