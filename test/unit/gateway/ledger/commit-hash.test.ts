/**
 * The COMMIT_HASH as a Fabric peer computes it: checked on two consecutive
 * blocks of a real Fabric 2.5 peer (test/fixtures/fabric-blocks: block 5, an
 * agreement acceptance, and block 6, a Lodge with public writes, key-level
 * policies and a private write's hashes), and on the embedded peers' blocks.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { backends, EmbeddedNetwork } from 'customs-ledger-gateway/dist/ledger';
import { commitHashEntryOf, decodeBlock, transactionsFilter } from 'customs-ledger-gateway/dist/ledger/fabric-format/block';
import {
  addTransactionUpdates,
  commitHash,
  orderPreservingVarint,
  readCommitHashMetadata,
  updateBatchBytes,
  UpdateBatch,
} from 'customs-ledger-gateway/dist/ledger/fabric-format/commit-hash';
import { decodeEnvelope } from 'customs-ledger-gateway/dist/ledger/fabric-format/transaction';
import { withCommitHashes } from '../../../support/audit-forgery';
import { lodgedBlock } from '../../../support/lodged-block';
import { scratchDir } from '../../../support/scratch-dir';

const FIXTURES = resolve(__dirname, '../../../../fixtures/fabric-blocks');

/** The commit hash of a block whose updates need no earlier state, chained on `previous`. */
function recompute(blockBytes: Uint8Array, previous: Uint8Array): Buffer {
  const block = decodeBlock(blockBytes);
  const updates = new UpdateBatch();
  for (const [i, envelope] of block.envelopes.entries()) {
    if (block.validationCodes[i] === 'VALID') {
      const tx = decodeEnvelope(envelope);
      addTransactionUpdates(updates, { block: block.number, tx: i }, tx.namespaces.map(({ namespace, rwset }) => ({ namespace, ...rwset })), () => {
        throw new Error('the block sets metadata alone on a key');
      });
    }
  }
  return commitHash(transactionsFilter(block.validationCodes), updateBatchBytes(updates), previous);
}

describe('commit hash', function () {
  this.timeout(30_000);
  const dir = scratchDir('commit-hash-', 'suite');

  it("writes versions as Fabric's order-preserving varints", () => {
    assert.deepEqual([...orderPreservingVarint(0)], [0]);
    assert.deepEqual([...orderPreservingVarint(5)], [1, 5]);
    assert.deepEqual([...orderPreservingVarint(256)], [2, 1, 0]);
    assert.deepEqual([...orderPreservingVarint(2 ** 40)], [6, 1, 0, 0, 0, 0, 0]);
  });

  it('is the one a real Fabric peer recorded, chained on the previous block', () => {
    const previous = readFileSync(resolve(FIXTURES, 'block-5.pb'));
    const lodge = readFileSync(resolve(FIXTURES, 'lodge.pb'));
    const recorded = readCommitHashMetadata(commitHashEntryOf(lodge));
    assert.equal(recorded.length, 32);
    assert.deepEqual(recompute(lodge, readCommitHashMetadata(commitHashEntryOf(previous))), recorded);
    assert.notDeepEqual(recompute(lodge, Buffer.alloc(32)), recorded);
  });

  it('is set by every embedded peer from block 1 on, the same on each, as Fabric computes it', async () => {
    const members = ['NLCustomsMSP', 'BECustomsMSP'];
    const network = await EmbeddedNetwork.start({ dataDir: dir.path, channelId: 'customs', members, syncWrites: false });
    try {
      const nl = backends.embedded(network, 'NLCustomsMSP');
      await lodgedBlock(nl, network.wallet('NLCustomsMSP').officer, 'NLCustomsMSP');
      await lodgedBlock(nl, network.wallet('NLCustomsMSP').officer, 'NLCustomsMSP');
      await network.settled();
      const height = await nl.blockHeight();
      const chains = await Promise.all(
        members.map(async (m) => Promise.all(Array.from({ length: height }, async (_, n) => (await network.peer(m).block(n))!))),
      );
      const hashes = chains.map((chain) => chain.map((b) => readCommitHashMetadata(commitHashEntryOf(b)).toString('hex')));
      assert.equal(hashes[0]![0], '');
      assert.ok(hashes[0]!.slice(1).every((h) => h.length === 64));
      assert.deepEqual(hashes[1], hashes[0]);
      const expected = withCommitHashes(chains[0]!).map((b) => readCommitHashMetadata(commitHashEntryOf(b)).toString('hex'));
      assert.deepEqual(hashes[0], expected);
    } finally {
      await network.close();
    }
  });
});
