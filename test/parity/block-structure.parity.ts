/**
 * The blocks of the embedded ledger and of a real Fabric 2.5 network, side
 * by side: each ledger's genesis block, and the block of the same
 * declaration-shaped Lodge transaction lodged on each, decoded by
 * configtxlator and compared field by field with their metadata (see
 * test/support/block-shape.ts), values ignored. The Fabric targets run only
 * when real Fabric is available (test/support/parity-fabric.ts); the
 * embedded target runs first, before the Fabric client libraries load (see
 * gateway/src/ledger/index.ts).
 */
import { strict as assert } from 'node:assert';
import { blockShape, configtxlatorMissing, shapeDifferences, type Shape } from '../support/block-shape';
import { EMBEDDED_KNOWN_DIFFERENCES, GENESIS_VALUES } from '../support/block-shape-differences';
import { lodgedBlock } from '../support/lodged-block';
import { needFabric, restoreFabric } from '../support/parity-fabric';
import { NL, TARGETS, openEmbedded, openFabric, type ParityTarget, type TargetName } from '../support/parity-targets';

interface Shapes {
  genesis: Shape;
  lodge: Shape;
}

const shapes: Partial<Record<TargetName, Shapes>> = {};

async function shapesOf(target: ParityTarget): Promise<Shapes> {
  const lodged = await lodgedBlock(target.peer[NL]!, target.wallet[NL]!.officer, NL);
  return {
    genesis: await blockShape(await target.peer[NL]!.blockBytes(0), { values: GENESIS_VALUES }),
    lodge: await blockShape(lodged.block),
  };
}

describe('block structure: embedded against real Fabric', function () {
  this.timeout(180_000);

  after(async function () {
    this.timeout(180_000);
    await restoreFabric();
  });

  for (const name of TARGETS) {
    describe(`blocks on ${name}`, () => {
      before(async function () {
        const missing = configtxlatorMissing();
        if (missing) {
          console.log(`    skipped: ${missing}`);
          this.skip();
        }
        if (name !== 'embedded') {
          await needFabric(this, `on ${name}`);
        }
        const target = name === 'embedded' ? await openEmbedded() : await openFabric(name);
        try {
          shapes[name] = await shapesOf(target);
        } finally {
          await target.close();
        }
      });

      if (name === 'embedded') {
        it('has a genesis block and a Lodge block to compare', () => {
          assert.ok(shapes.embedded?.genesis.size && shapes.embedded.lodge.size);
        });
        return;
      }

      it('has the genesis block of the embedded ledger', () => {
        assert.ok(shapes.embedded, 'the embedded target did not run');
        assert.deepEqual(shapeDifferences(shapes[name]!.genesis, shapes.embedded.genesis, EMBEDDED_KNOWN_DIFFERENCES), []);
      });

      it("has the embedded ledger's block of a Lodge transaction, metadata included", () => {
        assert.ok(shapes.embedded, 'the embedded target did not run');
        assert.deepEqual(shapeDifferences(shapes[name]!.lodge, shapes.embedded.lodge, EMBEDDED_KNOWN_DIFFERENCES), []);
      });
    });
  }
});
