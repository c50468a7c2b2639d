/**
 * Bounded read-ahead: while block n is replayed, blocks n+1..n+depth are
 * read and prepared (see prepared-block.ts), so the replay neither waits for
 * the source nor for the signature checks of the blocks it reaches next.
 *
 * A block read from another thread or process (a peer's thread, HTTP)
 * arrives as an event, which is heard only when the event loop turns; a
 * replay whose next block is already at hand never lets it turn. So while
 * reads are under way, taking a block lets the loop turn once: the blocks
 * that arrived meanwhile are prepared and their signature checks handed to
 * the workers before the replay needs them.
 */

/** A turn of the event loop. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ReadAhead<T> {
  private readonly started = new Map<number, Promise<T>>();
  /** reads started and not yet finished */
  private underWay = 0;

  /** `load(n)` reads and prepares block n and never rejects (a failure is part of its result). */
  constructor(
    private readonly load: (n: number) => Promise<T>,
    private readonly last: number,
    private readonly depth: number,
  ) {}

  /** Block n, and the reads of the `depth` blocks after it started. */
  async take(n: number): Promise<T> {
    for (let k = n; k <= Math.min(this.last, n + this.depth); k++) {
      if (!this.started.has(k)) {
        this.underWay += 1;
        const read = this.load(k);
        void read.finally(() => (this.underWay -= 1));
        this.started.set(k, read);
      }
    }
    const result = this.started.get(n)!;
    this.started.delete(n);
    if (this.underWay > 0) {
      await nextTurn();
    }
    return result;
  }

  /** Waits for the reads under way, whose results are dropped. */
  async stop(): Promise<void> {
    const rest = [...this.started.values()];
    this.started.clear();
    await Promise.all(rest);
  }
}
