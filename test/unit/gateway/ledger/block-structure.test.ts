/**
 * The embedded ledger's blocks against real Fabric 2.5 blocks (raft
 * orderer, configtxgen genesis) of the same channel shape: the genesis block
 * and a block holding a Lodge, both decoded by Fabric's configtxlator and
 * compared field by field, metadata entries included, ignoring values such
 * as hashes, times, ids, signatures and certificates. The Fabric blocks are
 * test/fixtures/fabric-blocks: blocks 0 and 6 of a real three-member
 * network's peer running this chaincode.
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { backends, EmbeddedNetwork } from 'customs-ledger-gateway/dist/ledger';
import { blockShape, configtxlatorMissing, shapeDifferences, type Shape } from '../../../support/block-shape';
import { EMBEDDED_KNOWN_DIFFERENCES, GENESIS_VALUES } from '../../../support/block-shape-differences';
import { lodgedBlock } from '../../../support/lodged-block';
import { scratchDir } from '../../../support/scratch-dir';

const FIXTURES = resolve(__dirname, '../../../../fixtures/fabric-blocks');
const MEMBERS = ['NLCustomsMSP', 'BECustomsMSP', 'DECustomsMSP'];

describe('embedded blocks have the structure of real Fabric blocks', function () {
  this.timeout(60_000);
  const dir = scratchDir('block-structure-', 'suite');
  const missing = configtxlatorMissing();
  let genesis: { fabric: Shape; embedded: Shape };
  let lodge: { fabric: Shape; embedded: Shape };

  before(async function () {
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    const network = await EmbeddedNetwork.start({ dataDir: dir.path, channelId: 'customs', members: MEMBERS, syncWrites: false });
    try {
      const nl = backends.embedded(network, 'NLCustomsMSP');
      const lodged = await lodgedBlock(nl, network.wallet('NLCustomsMSP').officer, 'NLCustomsMSP');
      genesis = {
        fabric: await blockShape(await readFile(resolve(FIXTURES, 'genesis.pb')), { values: GENESIS_VALUES }),
        embedded: await blockShape(await nl.blockBytes(0), { values: GENESIS_VALUES }),
      };
      lodge = {
        fabric: await blockShape(await readFile(resolve(FIXTURES, 'lodge.pb'))),
        embedded: await blockShape(lodged.block),
      };
    } finally {
      await network.close();
    }
  });

  it('a genesis block as configtxgen writes it', () => {
    assert.deepEqual(shapeDifferences(genesis.fabric, genesis.embedded, EMBEDDED_KNOWN_DIFFERENCES), []);
  });

  it('a block of a Lodge transaction as the raft orderer cuts it and a peer commits it', () => {
    assert.deepEqual(shapeDifferences(lodge.fabric, lodge.embedded, EMBEDDED_KNOWN_DIFFERENCES), []);
  });

  it('the metadata: orderer signature over OrdererBlockMetadata, LAST_CONFIG, filter, COMMIT_HASH', () => {
    // compared in the two tests above; here, that the comparison did look at them
    for (const shape of [lodge.fabric, lodge.embedded]) {
      for (const path of [
        '.metadata.signatures.value.last_config.index',
        '.metadata.signatures.value.consenter_metadata.value.raft_index',
        '.metadata.signatures.signatures[].signature_header.creator.node_ou',
        '.metadata.transactions_filter[]',
        '.metadata.commit_hash.value.bytes',
      ]) {
        assert.ok(shape.has(path), path);
      }
    }
    assert.deepEqual([...lodge.embedded.get('.metadata.signatures.signatures[].signature_header.creator.node_ou')!], ['string', '= "orderer"']);
    assert.deepEqual([...genesis.embedded.get('.metadata.signatures.signatures')!], ['empty list']);
  });
});
