/**
 * A worker thread of the replay's signature checks (see signature-workers.ts):
 * it takes the batches sent to it in order, claims each one the main thread
 * has not, runs its checks with the same functions the main thread would
 * use, and writes one verdict byte per check into the batch's shared buffer.
 */
import { parentPort } from 'node:worker_threads';
import { p256SignatureValid, traderSignatureValid } from './signature-checks';
import { CHECKED, FAILED, ON_WORKER, QUEUED, VERDICTS_AT, type CheckRequest, type WorkerMessage } from './signature-workers';

const certificates = new Map<number, string>();

parentPort?.on('message', (request: CheckRequest) => {
  // certificates are sent once per worker: keep them even from a batch the main thread took
  for (const [n, pem] of request.certificates) {
    certificates.set(n, pem);
  }
  const state = new Int32Array(request.shared, 0, 1);
  if (Atomics.compareExchange(state, 0, QUEUED, ON_WORKER) !== QUEUED) {
    return;
  }
  try {
    const verdicts = new Uint8Array(request.shared, VERDICTS_AT);
    const bytes = new Uint8Array(request.bytes);
    const at = request.p256;
    const count = at.length / 4;
    for (let i = 0; i < count; i++) {
      const certificatePem = certificates.get(at[4 * i]!);
      if (certificatePem === undefined) {
        throw new Error(`certificate ${at[4 * i]} was never sent`);
      }
      const message = bytes.subarray(at[4 * i + 1], at[4 * i + 2]);
      const signature = bytes.subarray(at[4 * i + 2], at[4 * i + 3]);
      verdicts[i] = p256SignatureValid({ certificatePem, message: [message], signature }) ? 1 : 0;
    }
    request.trader.forEach((c, i) => (verdicts[count + i] = traderSignatureValid(c) ? 1 : 0));
    Atomics.store(state, 0, CHECKED);
  } catch {
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
});

parentPort?.postMessage({ ready: true } satisfies WorkerMessage);
