/**
 * Worker threads for the replay's signature checks. The blocks prepared
 * ahead queue their checks here; each worker is fed small chunks (the
 * messages and signatures packed into one transferred buffer, each
 * certificate sent once per worker and its key parsed once there), at most
 * two chunks at a time once it has started. The main thread never waits
 * idle: a batch still queued when the replay needs its verdicts it checks
 * itself, and while a worker holds that batch it checks the batches queued
 * last. Verdicts come back in batch order, so findings are the same, and in
 * the same order, as on the main thread.
 *
 * Starting a worker and loading the chaincode's signature code costs far
 * more than a small ledger's checks, so the workers are shared by the
 * replays of a process: a replay takes them with `workerChecker(n)` and
 * hands them back with `close()`. They keep the process alive only while a
 * chunk is under way, and end after a few idle seconds or on
 * `closeSignatureWorkers()`. A chunk whose worker fails is checked on the
 * main thread.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkNow, type CheckBatch, type CheckVerdicts, type PendingVerdicts, type SignatureChecker, type TraderCheck } from './signature-checks';

/** The default number of worker threads: one per core but the main thread's, at least one. */
export const defaultWorkerCount = (): number => Math.max(1, availableParallelism() - 1);

/** How long idle workers are kept for the next replay of the process. */
const IDLE_MS = 5_000;
/** Checks per message to a worker (a trader check counts as four): small, so the main thread can take over what is still queued. */
const CHUNK = 16;
/** Chunks a worker holds at a time. */
const IN_FLIGHT = 2;

export interface CheckRequest {
  id: number;
  /** certificates this worker has not been sent before, by number */
  certificates: [number, string][];
  /** the messages and signatures of the P-256 checks, back to back */
  bytes: ArrayBuffer;
  /** per P-256 check: certificate number, message start, signature start, signature end */
  p256: Uint32Array;
  trader: TraderCheck[];
}

export type CheckAnswer = { id: number; p256: Uint8Array; trader: Uint8Array } | { id: number; error: string } | { ready: true };

interface Waiting {
  resolve(verdicts: CheckVerdicts): void;
  reject(err: Error): void;
  weight: number;
}

class PoolWorker {
  readonly worker: Worker;
  readonly certificates = new Set<number>();
  readonly waiting = new Map<number, Waiting>();
  /** checks in flight */
  load = 0;
  alive = true;
  /** started, with its modules loaded: until then the main thread keeps the checks */
  ready = false;
  /** resolves once the worker is ready, or has failed */
  readonly started: Promise<void>;
  private settleStarted!: () => void;

  constructor(onReady: () => void) {
    this.started = new Promise((resolve) => (this.settleStarted = resolve));
    this.worker = new Worker(join(__dirname, 'signature-worker.js'));
    this.worker.on('message', (answer: CheckAnswer) => {
      if ('ready' in answer) {
        this.ready = true;
        this.settleStarted();
        onReady();
      } else {
        this.answered(answer);
      }
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`signature worker exited with code ${code}`)));
    // after the listeners, which hold the worker's port: idle, it keeps nothing alive
    this.worker.unref();
  }

  /** Resolves once the worker is ready (or has failed), keeping the process alive meanwhile. */
  async untilStarted(): Promise<void> {
    if (this.ready || !this.alive) {
      return;
    }
    this.worker.ref();
    await this.started;
    if (this.alive && this.waiting.size === 0) {
      this.worker.unref();
    }
  }

  send(request: CheckRequest, weight: number): Promise<CheckVerdicts> {
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) {
        this.worker.ref();
      }
      this.waiting.set(request.id, { resolve, reject, weight });
      this.load += weight;
      this.worker.postMessage(request, [request.bytes, request.p256.buffer as ArrayBuffer]);
    });
  }

  private settle(id: number): Waiting | undefined {
    const w = this.waiting.get(id);
    if (w) {
      this.waiting.delete(id);
      this.load -= w.weight;
      if (this.waiting.size === 0) {
        this.worker.unref();
      }
    }
    return w;
  }

  private answered(answer: Exclude<CheckAnswer, { ready: true }>): void {
    const w = this.settle(answer.id);
    if ('error' in answer) {
      w?.reject(new Error(answer.error));
    } else {
      w?.resolve({ p256: Array.from(answer.p256, (v) => v === 1), trader: Array.from(answer.trader, (v) => v === 1) });
    }
  }

  private fail(err: Error): void {
    this.alive = false;
    this.settleStarted();
    for (const id of [...this.waiting.keys()]) {
      this.settle(id)?.reject(err);
    }
  }
}

interface Queued {
  batch: CheckBatch;
  weight: number;
  verdicts: Promise<CheckVerdicts>;
  resolve(verdicts: CheckVerdicts): void;
  /** taken by a worker or by the main thread */
  taken: boolean;
  /** its verdicts are in */
  done: boolean;
}

/** A turn of the event loop, in which the workers' answers arrive. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const weightOf = (batch: CheckBatch): number => batch.p256.length + 4 * batch.trader.length;

class SignatureWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly certificateNumbers = new Map<string, number>();
  private queue: Queued[] = [];
  private feeding = false;
  private nextId = 0;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly size: number,
    private readonly onEnd: (pool: SignatureWorkerPool) => void,
  ) {
    for (let i = 0; i < size; i++) {
      this.workers.push(new PoolWorker(() => this.feed()));
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
    const weight = weightOf(batch);
    if (weight === 0) {
      const none = Promise.resolve(checkNow(batch));
      return { wait: () => none };
    }
    let settle!: (v: CheckVerdicts) => void;
    const verdicts = new Promise<CheckVerdicts>((r) => (settle = r));
    const item: Queued = {
      batch,
      weight,
      verdicts,
      resolve: (v) => {
        item.done = true;
        settle(v);
      },
      taken: false,
      done: false,
    };
    this.queue.push(item);
    // The blocks prepared in one turn of the event loop go out together.
    if (!this.feeding) {
      this.feeding = true;
      setImmediate(() => {
        this.feeding = false;
        this.feed();
      });
    }
    return { wait: () => this.wait(item) };
  }

  /**
   * The main thread would otherwise wait idle: it checks the batch itself
   * when no worker has taken it, and while a worker has, it checks the
   * batches queued last (those the workers would reach last) one at a time.
   */
  private async wait(item: Queued): Promise<CheckVerdicts> {
    if (!item.taken) {
      item.taken = true;
      item.resolve(checkNow(item.batch));
    }
    while (!item.done) {
      let last: Queued | undefined;
      for (let i = this.queue.length - 1; i >= 0 && !last; i--) {
        last = this.queue[i]!.taken ? undefined : this.queue[i];
      }
      if (!last) {
        break;
      }
      last.taken = true;
      last.resolve(checkNow(last.batch));
      await nextTurn();
    }
    return item.verdicts;
  }

  /** Hands queued checks, in order, to workers holding fewer than IN_FLIGHT chunks. */
  private feed(): void {
    for (;;) {
      this.queue = this.queue.filter((q) => !q.taken);
      const worker = this.workers.filter((w) => w.alive && w.ready && w.waiting.size < IN_FLIGHT).sort((a, b) => a.load - b.load)[0];
      if (!worker || this.queue.length === 0) {
        return;
      }
      const chunk: Queued[] = [];
      let weight = 0;
      for (const q of this.queue) {
        if (chunk.length > 0 && weight + q.weight > CHUNK) {
          break;
        }
        q.taken = true;
        chunk.push(q);
        weight += q.weight;
      }
      this.send(worker, chunk, weight);
    }
  }

  private send(worker: PoolWorker, chunk: Queued[], weight: number): void {
    const batch: CheckBatch = { p256: chunk.flatMap((q) => q.batch.p256), trader: chunk.flatMap((q) => q.batch.trader) };
    void worker.send(this.request(worker, batch), weight).then(
      (v) => {
        let p = 0;
        let t = 0;
        for (const q of chunk) {
          q.resolve({ p256: v.p256.slice(p, (p += q.batch.p256.length)), trader: v.trader.slice(t, (t += q.batch.trader.length)) });
        }
      },
      () => chunk.forEach((q) => q.resolve(checkNow(q.batch))),
    ).finally(() => this.feed());
  }

  private request(worker: PoolWorker, batch: CheckBatch): CheckRequest {
    const certificates: [number, string][] = [];
    const size = batch.p256.reduce((n, c) => c.message.reduce((m, part) => m + part.length, n + c.signature.length), 0);
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
    return { id: ++this.nextId, certificates, bytes: bytes.buffer, p256, trader: batch.trader };
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
