import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordView } from 'customs-ledger-chaincode/domain';
import { backends, EmbeddedNetwork, type WalletIdentity } from 'customs-ledger-gateway/dist/ledger';
import { EndorsementRefused } from 'customs-ledger-gateway/dist/ledger/embedded/peer';
import { buildProposal } from 'customs-ledger-gateway/dist/fabric-format/proposal';
import { lodgeOn, makeLodgement, newTrader, sampleDeclaration } from '../../../support/fixtures';
import { BE, NL } from '../../../support/identities';
import type { Role } from 'customs-ledger-chaincode/domain';


describe('an embedded peer checks every proposal it answers', function () {
  this.timeout(60_000);
  let dir: string;
  let network: EmbeddedNetwork;
  let nl: Record<Role, WalletIdentity>;
  let be: Record<Role, WalletIdentity>;
  let ucr: string;

  const proposal = (signer: WalletIdentity, args: string[] = ['consignment:Get', ucr]) =>
    buildProposal({ channelId: 'customs', chaincode: network.chaincode.name, args, signer }).signedProposal;
  const answer = async (signedProposal: Uint8Array) => network.peer(NL).processProposal(signedProposal, false);
  const refused = (pattern: RegExp) => (err: unknown) => err instanceof EndorsementRefused && pattern.test(err.message);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'customs-ledger-'));
    network = await EmbeddedNetwork.start({ dataDir: dir, channelId: 'customs', members: [NL, BE], syncWrites: false });
    nl = network.wallet(NL);
    be = network.wallet(BE);
    const lodgement = await makeLodgement(sampleDeclaration(), NL, newTrader());
    ucr = lodgement.declaration.ucr;
    await lodgeOn(backends.embedded(network, NL), nl.officer, lodgement);
  });
  after(async () => {
    await network.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers each identity as itself, one after another', async () => {
    for (let i = 0; i < 3; i++) {
      const officer = await answer(proposal(nl.officer));
      assert.equal(officer.status, 200);
      assert.ok((JSON.parse(officer.payload.toString()) as RecordView).private, 'the officer sees the private fields');
      const auditor = await answer(proposal(nl.auditor));
      assert.equal(auditor.status, 200);
      assert.equal((JSON.parse(auditor.payload.toString()) as RecordView).private, null, 'an auditor never does');
    }
  });

  it("refuses a proposal signed with another identity's key, once the creator's certificate is known", async () => {
    await answer(proposal(nl.officer));
    await assert.rejects(answer(proposal({ ...nl.officer, privateKeyPem: nl.auditor.privateKeyPem })), refused(/signature does not verify/));
    await assert.rejects(answer(proposal({ ...nl.officer, privateKeyPem: be.officer.privateKeyPem })), refused(/signature does not verify/));
  });

  it('refuses a proposal changed after it was signed', async () => {
    const signed = Buffer.from(proposal(nl.officer));
    const at = signed.indexOf(Buffer.from(ucr));
    assert.ok(at > 0);
    signed.writeUInt8(signed.readUInt8(at + ucr.length - 1) ^ 0x01, at + ucr.length - 1);
    await assert.rejects(answer(signed), refused(/signature does not verify/));
  });

  it('refuses a creator that claims a member its CA did not issue, even with a valid signature', async () => {
    await answer(proposal(be.officer));
    await assert.rejects(answer(proposal({ ...be.officer, mspId: NL })), refused(/creator refused/));
  });
});
