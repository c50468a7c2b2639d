/**
 * A fair readers–writer lock: simulations read a consistent committed state
 * while no block is being committed, as a Fabric peer's state lock
 * guarantees. Waiters are served in arrival order, so neither simulations
 * nor commits starve.
 */
export class ReadWriteLock {
  /** >0: that many readers; -1: a writer */
  private active = 0;
  private readonly queue: { write: boolean; resolve: () => void }[] = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.release(false);
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
      this.release(true);
    }
  }

  private acquire(write: boolean): Promise<void> {
    if (this.queue.length === 0 && (write ? this.active === 0 : this.active >= 0)) {
      this.active = write ? -1 : this.active + 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ write, resolve }));
  }

  private release(write: boolean): void {
    this.active = write ? 0 : this.active - 1;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (next.write) {
        if (this.active !== 0) {
          return;
        }
        this.active = -1;
        this.queue.shift();
        next.resolve();
        return;
      }
      if (this.active < 0) {
        return;
      }
      this.active += 1;
      this.queue.shift();
      next.resolve();
    }
  }
}
