/**
 * The replay's signature checkers: the worker threads give the verdicts the
 * main thread gives, in batch order, for good and bad P-256 and trader
 * signatures; a batch still queued, or held by a worker that ends, is
 * checked on the main thread; the shared workers start, are reused and end.
 */
import { strict as assert } from 'node:assert';
import { declarationTypedData, type SignedDeclarationFacts } from 'customs-ledger-chaincode/domain';
import { closeSignatureWorkers, startSignatureWorkers } from 'customs-ledger-gateway/dist/audit';
import { signLowS } from 'customs-ledger-gateway/dist/fabric-format/signing';
import { checkNow, inlineChecker, type CheckBatch, type TraderCheck } from 'customs-ledger-gateway/dist/audit/signature-checks';
import { workerChecker } from 'customs-ledger-gateway/dist/audit/signature-workers';
import { newTrader } from '../../../support/fixtures';
import { NL, BE, testIdentities } from '../../../support/identities';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('audit signature checks: main thread and worker threads', function () {
  this.timeout(60_000);
  let batches: CheckBatch[];

  before(async () => {
    const ids = await testIdentities();
    const [nl, be] = [ids.user(NL, 'officer'), ids.user(BE, 'admin')];
    const message = (i: number): Buffer => Buffer.from(`message ${i} `.repeat(50 + i));
    const trader = newTrader();
    const facts: SignedDeclarationFacts = { ucr: '6NL123456789-C0001', declarationHash: 'a'.repeat(64), fieldRoot: 'b'.repeat(64), authority: NL, version: 1 };
    const typed = declarationTypedData('customs', facts);
    const traderSignature = await trader.signTypedData(typed.domain, typed.types, typed.value);
    const traderChecks: TraderCheck[] = [
      { channelId: 'customs', facts, trader: trader.address, signature: traderSignature },
      { channelId: 'customs', facts: { ...facts, version: 2 }, trader: trader.address, signature: traderSignature },
      { channelId: 'customs', facts, trader: newTrader().address, signature: traderSignature },
      { channelId: 'customs', facts, trader: trader.address, signature: '0x1234' },
    ];
    batches = Array.from({ length: 12 }, (_, b) => ({
      p256: Array.from({ length: 5 }, (_, i) => {
        const signer = (b + i) % 2 === 0 ? nl : be;
        const m = message(b * 5 + i);
        const signature = signLowS(signer.privateKeyPem, m);
        // every third check is a signature by the other key, or over another message
        const wrong = (b * 5 + i) % 3 === 0;
        return {
          certificatePem: wrong && i % 2 === 0 ? (signer === nl ? be : nl).certificatePem : signer.certificatePem,
          message: wrong && i % 2 === 1 ? [m, Buffer.from('!')] : [m.subarray(0, 100), m.subarray(100)],
          signature,
        };
      }),
      trader: b % 3 === 0 ? traderChecks : [],
    }));
  });
  after(async () => {
    await closeSignatureWorkers();
  });

  it('worker threads give the main thread\'s verdicts, in order', async () => {
    const expected = batches.map(checkNow);
    assert.ok(expected.some((v) => v.p256.includes(false)) && expected.some((v) => v.p256.includes(true)));
    assert.deepEqual(expected[0]!.trader, [true, false, false, false]);
    for (const workers of [1, 2]) {
      await startSignatureWorkers(workers);
      const checker = workerChecker(workers);
      try {
        const pending = batches.map((b) => checker.check(b));
        await nextTurn(); // the workers take the queued batches
        assert.deepEqual(await Promise.all(pending.map((p) => p.wait())), expected, `${workers} workers`);
      } finally {
        checker.close();
      }
    }
    const inline = inlineChecker();
    assert.deepEqual(await Promise.all(batches.map((b) => inline.check(b).wait())), expected);
  });

  it('gives a batch\'s verdicts when they are asked for in the turn it was queued', async () => {
    const checker = workerChecker(1);
    try {
      const [first] = batches;
      const verdicts = await checker.check(first!).wait(); // asked for in the same turn
      assert.deepEqual(verdicts, checkNow(first!));
    } finally {
      checker.close();
    }
  });

  it('checks on the main thread the batches of a worker that ends while it holds them', async () => {
    const expected = batches.map(checkNow);
    await startSignatureWorkers(1);
    const checker = workerChecker(1);
    try {
      const pending = batches.map((b) => checker.check(b));
      const ended = closeSignatureWorkers(); // terminates the worker, whatever it holds
      assert.deepEqual(await Promise.all(pending.map((p) => p.wait())), expected);
      await ended;
      // a worker that has ended takes nothing: the checks of a later batch are made here
      assert.deepEqual(await checker.check(batches[2]!).wait(), expected[2]);
    } finally {
      checker.close();
    }
  });

  it('end on closeSignatureWorkers(), and start again for the next replay', async () => {
    await startSignatureWorkers(1);
    await closeSignatureWorkers();
    const checker = workerChecker(1);
    try {
      const pending = checker.check(batches[1]!);
      assert.deepEqual(await pending.wait(), checkNow(batches[1]!));
    } finally {
      checker.close();
    }
  });
});
