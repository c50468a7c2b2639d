/**
 * A worker thread of the replay's signature checks (see signature-workers.ts):
 * it receives a block's checks, runs them with the same functions the main
 * thread would use, and answers one verdict byte per check.
 */
import { parentPort } from 'node:worker_threads';
import { p256SignatureValid, traderSignatureValid } from './signature-checks';
import type { CheckAnswer, CheckRequest } from './signature-workers';

const certificates = new Map<number, string>();

parentPort?.on('message', (request: CheckRequest) => {
  let answer: CheckAnswer;
  try {
    for (const [n, pem] of request.certificates) {
      certificates.set(n, pem);
    }
    const bytes = new Uint8Array(request.bytes);
    const at = request.p256;
    const p256 = new Uint8Array(at.length / 4);
    for (let i = 0; i < p256.length; i++) {
      const certificatePem = certificates.get(at[4 * i]!);
      if (certificatePem === undefined) {
        throw new Error(`certificate ${at[4 * i]} was never sent`);
      }
      const [message, signature] = [bytes.subarray(at[4 * i + 1], at[4 * i + 2]), bytes.subarray(at[4 * i + 2], at[4 * i + 3])];
      p256[i] = p256SignatureValid({ certificatePem, message: [message], signature }) ? 1 : 0;
    }
    const trader = Uint8Array.from(request.trader, (c) => (traderSignatureValid(c) ? 1 : 0));
    answer = { id: request.id, p256, trader };
  } catch (err) {
    answer = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(answer);
});

parentPort?.postMessage({ ready: true } satisfies CheckAnswer);
