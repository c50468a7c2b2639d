/**
 * Worker threads for the replay's signature checks. Each block's checks go
 * to a worker as soon as the block is prepared (the messages and
 * signatures packed into one transferred buffer, each certificate sent once
 * per worker and its key parsed once there), with a small shared buffer in
 * which the batch is claimed and its verdicts written. Whoever claims a
 * batch first checks it: the worker when it reaches it, or the main thread
 * when the replay needs its verdicts before then. While a worker holds the
 * batch the replay needs, the main thread checks the batches queued last,
 * and waits only when none is left. Neither thread waits on the other's
 * event loop: a worker takes its next batch from its own queue, and the
 * main thread reads a verdict from memory as soon as it is written.
 * Verdicts are the same, and in the same order, as on the main thread.
 *
 * Starting a worker and loading the chaincode's signature code costs far
 * more than a small ledger's checks, so the workers are shared by the
 * replays of a process: a replay takes them with `workerChecker(n)` and
 * hands them back with `close()`. Idle workers keep nothing alive and end
 * after a few seconds or on `closeSignatureWorkers()`. A batch whose worker
 * fails or ends is checked on the main thread.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkNow, type CheckBatch, type CheckVerdicts, type PendingVerdicts, type SignatureChecker, type TraderCheck } from './signature-checks';

/** The default number of worker threads: one per core but the main thread's, at least one. */
export const defaultWorkerCount = (): number => Math.max(1, availableParallelism() - 1);

/** How long idle workers are kept for the next replay of the process. */
const IDLE_MS = 5_000;
/** How long the main thread waits for a worker's verdicts before it lets the event loop turn (a worker's exit is heard there). */
const WAIT_MS = 20;

/** The states of a batch, in the first Int32 of its shared buffer; the verdicts follow, a byte each. */
export const QUEUED = 0;
export const ON_MAIN_THREAD = 1;
export const ON_WORKER = 2;
export const CHECKED = 3;
export const FAILED = 4;
/** Where the verdict bytes begin in a batch's shared buffer: P-256 checks first, then trader checks. */
export const VERDICTS_AT = 4;

export interface CheckRequest {
  /** the batch's state and verdicts, shared with the main thread */
  shared: SharedArrayBuffer;
  /** certificates this worker has not been sent before, by number */
  certificates: [number, string][];
  /** the messages and signatures of the P-256 checks, back to back */
  bytes: ArrayBuffer;
  /** per P-256 check: certificate number, message start, signature start, signature end */
  p256: Uint32Array;
  trader: TraderCheck[];
}

/** What a worker says: only that it has started (verdicts are written into the batch's shared buffer). */
export type WorkerMessage = { ready: true };

class PoolWorker {
  readonly worker: Worker;
  readonly certificates = new Set<number>();
  alive = true;
  /** started, with its modules loaded */
  ready = false;
  /** resolves once the worker is ready, or has failed */
  readonly started: Promise<void>;
  private settleStarted!: () => void;

  constructor() {
    this.started = new Promise((resolve) => (this.settleStarted = resolve));
    this.worker = new Worker(join(__dirname, 'signature-worker.js'));
    this.worker.on('message', () => {
      this.ready = true;
      this.settleStarted();
    });
    this.worker.on('error', () => this.fail());
    this.worker.on('exit', () => this.fail());
    // after the listeners, which hold the worker's port: it keeps nothing alive
    this.worker.unref();
  }

  /** Resolves once the worker is ready (or has failed), keeping the process alive meanwhile. */
  async untilStarted(): Promise<void> {
    if (this.ready || !this.alive) {
      return;
    }
    this.worker.ref();
    await this.started;
    this.worker.unref();
  }

  private fail(): void {
    this.alive = false;
    this.settleStarted();
  }
}

interface Queued {
  batch: CheckBatch;
  /** the batch's state (see QUEUED), shared with its worker */
  state: Int32Array;
  verdictBytes: Uint8Array;
  worker: PoolWorker;
  verdicts?: CheckVerdicts;
}

/** A turn of the event loop. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Claims a batch for the main thread: true when no worker had taken it. */
const claim = (q: Queued): boolean => Atomics.compareExchange(q.state, 0, QUEUED, ON_MAIN_THREAD) === QUEUED;

function verdictsOf(q: Queued): CheckVerdicts {
  const p = q.batch.p256.length;
  const bytes = q.verdictBytes;
  return {
    p256: Array.from(bytes.subarray(0, p), (v) => v === 1),
    trader: Array.from(bytes.subarray(p, p + q.batch.trader.length), (v) => v === 1),
  };
}

class SignatureWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly certificateNumbers = new Map<string, number>();
  /** batches sent and not yet known to be checked, in the order they were sent */
  private queue: Queued[] = [];
  private nextWorker = 0;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly size: number,
    private readonly onEnd: (pool: SignatureWorkerPool) => void,
  ) {
    for (let i = 0; i < size; i++) {
      this.workers.push(new PoolWorker());
    }
  }

  get busy(): boolean {
    return this.users > 0;
  }

  /** Resolves once every worker has started (or failed); the workers keep the process alive until then. */
  async started(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.untilStarted()));
  }

  take(): void {
    this.users += 1;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  handBack(): void {
    this.users -= 1;
    if (this.users === 0) {
      this.idleTimer = setTimeout(() => void this.end(), IDLE_MS);
      this.idleTimer.unref();
    }
  }

  check(batch: CheckBatch): PendingVerdicts {
    const worker = this.pickWorker();
    if (!worker || batch.p256.length + batch.trader.length === 0) {
      let verdicts: CheckVerdicts | undefined;
      return { wait: () => Promise.resolve((verdicts ??= checkNow(batch))) };
    }
    const shared = new SharedArrayBuffer(VERDICTS_AT + batch.p256.length + batch.trader.length);
    const item: Queued = { batch, state: new Int32Array(shared, 0, 1), verdictBytes: new Uint8Array(shared, VERDICTS_AT), worker };
    const request = this.request(worker, batch, shared);
    worker.worker.postMessage(request, [request.bytes, request.p256.buffer as ArrayBuffer]);
    this.queue.push(item);
    return { wait: () => this.wait(item) };
  }

  /** The next live worker, in turn. */
  private pickWorker(): PoolWorker | undefined {
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[(this.nextWorker + i) % this.workers.length]!;
      if (w.alive) {
        this.nextWorker = (this.nextWorker + i + 1) % this.workers.length;
        return w;
      }
    }
    return undefined;
  }

  /**
   * The batch's verdicts: checked here if no worker has taken it; read from
   * memory once its worker has checked it; meanwhile the main thread checks
   * the batches queued last (those the workers would reach last), and waits
   * only when every batch is taken.
   */
  private async wait(item: Queued): Promise<CheckVerdicts> {
    while (!item.verdicts) {
      if (claim(item)) {
        item.verdicts = checkNow(item.batch);
        break;
      }
      const state = Atomics.load(item.state, 0);
      if (state === CHECKED) {
        item.verdicts = verdictsOf(item);
      } else if (state === FAILED || !item.worker.alive) {
        item.verdicts = checkNow(item.batch);
      } else {
        const last = this.claimLast();
        if (last) {
          last.verdicts = checkNow(last.batch);
        } else if (Atomics.wait(item.state, 0, ON_WORKER, WAIT_MS) === 'timed-out') {
          await nextTurn();
        }
      }
    }
    this.prune();
    return item.verdicts;
  }

  /** The batch queued last that no worker has taken yet, claimed for the main thread. */
  private claimLast(): Queued | undefined {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i]!;
      if (!q.verdicts && claim(q)) {
        return q;
      }
    }
    return undefined;
  }

  /** Drops the batches at the head of the queue whose verdicts are in, or no longer wanted by the main thread. */
  private prune(): void {
    let n = 0;
    while (n < this.queue.length && (this.queue[n]!.verdicts || Atomics.load(this.queue[n]!.state, 0) === CHECKED)) {
      n += 1;
    }
    if (n > 0) {
      this.queue = this.queue.slice(n);
    }
  }

  private request(worker: PoolWorker, batch: CheckBatch, shared: SharedArrayBuffer): CheckRequest {
    const certificates: [number, string][] = [];
    let size = 0;
    for (const c of batch.p256) {
      size += c.signature.length;
      for (const part of c.message) {
        size += part.length;
      }
    }
    const bytes = new Uint8Array(size);
    const p256 = new Uint32Array(4 * batch.p256.length);
    let offset = 0;
    batch.p256.forEach((c, i) => {
      let n = this.certificateNumbers.get(c.certificatePem);
      if (n === undefined) {
        n = this.certificateNumbers.size;
        this.certificateNumbers.set(c.certificatePem, n);
      }
      if (!worker.certificates.has(n)) {
        worker.certificates.add(n);
        certificates.push([n, c.certificatePem]);
      }
      p256[4 * i] = n;
      p256[4 * i + 1] = offset;
      for (const part of c.message) {
        bytes.set(part, offset);
        offset += part.length;
      }
      p256[4 * i + 2] = offset;
      bytes.set(c.signature, offset);
      offset += c.signature.length;
      p256[4 * i + 3] = offset;
    });
    return { shared, certificates, bytes: bytes.buffer, p256, trader: batch.trader };
  }

  async end(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.onEnd(this);
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

let shared: SignatureWorkerPool | undefined;
const forget = (pool: SignatureWorkerPool): void => {
  if (shared === pool) {
    shared = undefined;
  }
};

/** The shared pool of `count` workers (started, or restarted with that many when idle); another, of its own, when the shared one is busy with another size. */
function poolOf(count: number): SignatureWorkerPool {
  if (shared && shared.size !== count && !shared.busy) {
    void shared.end();
  }
  if (!shared) {
    shared = new SignatureWorkerPool(count, forget);
  }
  return shared.size === count ? shared : new SignatureWorkerPool(count, () => undefined);
}

/** Checks on `count` worker threads, shared with the other replays of the process. */
export function workerChecker(count: number): SignatureChecker {
  const pool = poolOf(count);
  pool.take();
  let closed = false;
  return {
    check: (batch) => pool.check(batch),
    close: () => {
      if (closed) {
        return;
      }
      closed = true;
      if (pool === shared) {
        pool.handBack();
      } else {
        void pool.end();
      }
    },
  };
}

/**
 * Starts the shared worker threads now and resolves once they are ready (a
 * replay otherwise starts them itself and checks on the main thread until
 * they are); they end as idle workers do.
 */
export async function startSignatureWorkers(count: number = defaultWorkerCount()): Promise<void> {
  const checker = workerChecker(count);
  try {
    await poolOf(count).started();
  } finally {
    checker.close();
  }
}

/** Ends the shared worker threads now (they otherwise end after a few idle seconds). */
export async function closeSignatureWorkers(): Promise<void> {
  await shared?.end();
}
