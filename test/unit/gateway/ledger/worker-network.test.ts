import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordView } from 'customs-ledger-chaincode/domain';
import { backends, EmbeddedNetwork, LedgerError, WorkerNetwork, type LedgerBackend, type WalletIdentity } from 'customs-ledger-gateway/dist/ledger';
import { buildProposal } from 'customs-ledger-gateway/dist/fabric-format/proposal';
import { EndorsementRefused } from 'customs-ledger-gateway/dist/ledger/embedded/peer';
import { lodgeOn, makeLodgement, newTrader, sampleDeclaration } from '../../../support/fixtures';
import { BE, DE, NL } from '../../../support/identities';
import type { Role } from 'customs-ledger-chaincode/domain';



describe('embedded network in its own thread (WorkerNetwork)', function () {
  this.timeout(60_000);
  let dir: string;
  let network: WorkerNetwork;
  let nl: LedgerBackend;
  let wallet: Record<Role, WalletIdentity>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'customs-ledger-worker-'));
    network = await WorkerNetwork.start({ dataDir: dir, channelId: 'customs', members: [NL, BE, DE], syncWrites: false });
    nl = backends.embedded(network, NL);
    wallet = network.wallet(NL);
  });
  after(async () => {
    await network.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ucr = sampleDeclaration().ucr;
  const lodge = async (office = 'NLRTM') => {
    const l = await makeLodgement(sampleDeclaration({ ucr, office }), NL, newTrader());
    return lodgeOn(nl, wallet.officer, l);
  };

  it('lodges and reads back through the thread, and every peer commits the block', async () => {
    const result = await lodge();
    assert.equal(await nl.blockHeight(), result.blockNumber + 1);
    const view = JSON.parse((await nl.evaluate({ identity: wallet.officer, contract: 'consignment', fn: 'Get', args: [ucr] })).toString()) as RecordView;
    assert.equal(view.record.ucr, ucr);
    assert.deepEqual(await nl.transactionStatus(result.transactionId), { transactionId: result.transactionId, blockNumber: result.blockNumber, validationCode: 'VALID' });
    await network.settled();
    const heights = await network.heights();
    assert.deepEqual(heights.peers, { [BE]: heights.orderer, [DE]: heights.orderer, [NL]: heights.orderer });
    assert.equal(network.peer(BE).height, heights.orderer);
  });

  it('passes a chaincode refusal and a peer\'s refusal back as the in-thread network does', async () => {
    await assert.rejects(lodge('NLAMS'), (err: unknown) => err instanceof LedgerError && err.stage === 'endorse' && /already lodged/.test(err.message));
    const elsewhere = buildProposal({ channelId: 'elsewhere', chaincode: 'customs-ledger', args: ['consignment:Get', ucr], signer: wallet.officer });
    await assert.rejects(network.peer(NL).processProposal(elsewhere.signedProposal, false), (err: unknown) => err instanceof EndorsementRefused && /elsewhere is not served/.test(err.message));
    const foreign = network.wallet(BE).officer;
    await assert.rejects(nl.evaluate({ identity: foreign, contract: 'consignment', fn: 'Get', args: [ucr] }), (err: unknown) => err instanceof LedgerError && err.stage === 'connect');
  });

  it('hands out copies of the wallets, not the channel\'s own', () => {
    const w = network.wallet(NL);
    w.officer.label = 'changed';
    assert.notEqual(network.wallet(NL).officer.label, 'changed');
    assert.throws(() => network.peer('XXCustomsMSP'), /no peer/);
  });

  it('ends its thread on close, keeps every block for the next start, and refuses calls after', async () => {
    const before = await network.heights();
    await network.close();
    await assert.rejects(nl.blockBytes(0), /stopped|thread/);
    // what /healthz asks: a gateway whose channel is gone must not report its last height as healthy
    await assert.rejects(nl.blockHeight(), (err: unknown) => err instanceof LedgerError && err.stage === 'connect' && /thread stopped/.test(err.message));
    const reopened = await EmbeddedNetwork.start({ dataDir: dir, channelId: 'customs', members: [NL, BE, DE], syncWrites: false });
    try {
      assert.equal(reopened.orderer.height, before.orderer);
      assert.equal(reopened.peer(NL).height, before.orderer);
    } finally {
      await reopened.close();
    }
    network = await WorkerNetwork.start({ dataDir: dir, channelId: 'customs', members: [NL, BE, DE], syncWrites: false });
    nl = backends.embedded(network, NL);
    assert.equal(await nl.blockHeight(), before.orderer);
  });
});
