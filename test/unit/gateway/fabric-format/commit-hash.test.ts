/**
 * The COMMIT_HASH as a Fabric peer computes it, on the embedded peers'
 * blocks. On a real Fabric peer's blocks the auditor's replay recomputes
 * every one (the parity suite and the auditor's test on a peer's block files).
 */
import { strict as assert } from 'node:assert';
import { backends, EmbeddedNetwork } from 'customs-ledger-gateway/dist/ledger';
import { commitHashEntryOf } from 'customs-ledger-gateway/dist/fabric-format/block';
import { orderPreservingVarint, readCommitHashMetadata } from 'customs-ledger-gateway/dist/fabric-format/commit-hash';
import { withCommitHashes } from '../../../support/audit-forgery';
import { lodgedBlock } from '../../../support/lodged-block';
import { scratchDir } from '../../../support/scratch-dir';

describe('commit hash', function () {
  this.timeout(30_000);
  const dir = scratchDir('commit-hash-', 'suite');

  it("writes versions as Fabric's order-preserving varints", () => {
    assert.deepEqual([...orderPreservingVarint(0)], [0]);
    assert.deepEqual([...orderPreservingVarint(5)], [1, 5]);
    assert.deepEqual([...orderPreservingVarint(256)], [2, 1, 0]);
    assert.deepEqual([...orderPreservingVarint(2 ** 40)], [6, 1, 0, 0, 0, 0, 0]);
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
