/**
 * Bounded read-ahead: while block n is replayed, blocks n+1..n+depth are
 * read and prepared (see prepared-block.ts), so the replay neither waits for
 * the source nor for the signature checks of the blocks it reaches next.
 */

export class ReadAhead<T> {
  private readonly started = new Map<number, Promise<T>>();

  /** `load(n)` reads and prepares block n and never rejects (a failure is part of its result). */
  constructor(
    private readonly load: (n: number) => Promise<T>,
    private readonly last: number,
    private readonly depth: number,
  ) {}

  /** Block n, and the reads of the `depth` blocks after it started. */
  take(n: number): Promise<T> {
    for (let k = n; k <= Math.min(this.last, n + this.depth); k++) {
      if (!this.started.has(k)) {
        this.started.set(k, this.load(k));
      }
    }
    const result = this.started.get(n)!;
    this.started.delete(n);
    return result;
  }

  /** Waits for the reads under way, whose results are dropped. */
  async stop(): Promise<void> {
    const rest = [...this.started.values()];
    this.started.clear();
    await Promise.all(rest);
  }
}
