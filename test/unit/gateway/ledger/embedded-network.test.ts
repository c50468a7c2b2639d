import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordView, ShareRecord } from 'customs-ledger-chaincode/domain';
import { backends, EmbeddedNetwork, LedgerError, type LedgerBackend, type WalletIdentity } from 'customs-ledger-gateway/dist/ledger';
import { lodgeOn, makeLodgement, newTrader, sampleDeclaration, type Lodgement } from '../../../support/fixtures';
import { agreementJson, sharedPayload } from '../../../support/scenario';
import { readBlock } from 'customs-ledger-gateway/dist/fabric-format/block-reader';
import { BE, DE, NL } from '../../../support/identities';
import type { Role } from 'customs-ledger-chaincode/domain';


const json = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));

describe('embedded network (execute–order–validate on LevelDB)', function () {
  this.timeout(60_000);
  let dir: string;
  let network: EmbeddedNetwork;
  let nl: LedgerBackend;
  let be: LedgerBackend;
  let de: LedgerBackend;
  let wallets: Record<string, Record<Role, WalletIdentity>>;

  const start = async () => {
    network = await EmbeddedNetwork.start({ dataDir: dir, channelId: 'customs', members: [NL, BE, DE], syncWrites: false });
    nl = backends.embedded(network, NL);
    be = backends.embedded(network, BE);
    de = backends.embedded(network, DE);
    wallets = { [NL]: network.wallet(NL), [BE]: network.wallet(BE), [DE]: network.wallet(DE) };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'customs-ledger-'));
    await start();
  });
  after(async () => {
    await network.close();
    await rm(dir, { recursive: true, force: true });
  });

  const lodge = async (l: Lodgement) =>
    lodgeOn(nl, wallets[NL]!.officer, l);
  const get = async (backend: LedgerBackend, msp: string, ucr: string) =>
    JSON.parse((await backend.evaluate({ identity: wallets[msp]!.officer, contract: 'consignment', fn: 'Get', args: [ucr] })).toString()) as RecordView;

  let lodged: Lodgement;

  it('starts from a genesis config block holding every member\'s root CA, then registers every member', async () => {
    const info = await nl.blockInfo(0);
    assert.equal(info.transactions[0]?.validationCode, 'VALID');
    const height = await nl.blockHeight();
    const registrations = [];
    for (let n = 1; n < height; n++) {
      registrations.push(...(await nl.blockInfo(n)).transactions.map((t) => [t.creatorMspId, t.validationCode].join(' ')));
    }
    assert.deepEqual(registrations.sort(), [BE, DE, NL].sort().map((msp) => `${msp} VALID`));
    const listed = JSON.parse((await de.evaluate({ identity: wallets[DE]!.auditor, contract: 'membership', fn: 'List', args: [] })).toString()) as { members: { msp: string }[] };
    assert.deepEqual(listed.members.map((m) => m.msp), [BE, DE, NL].sort());
  });

  it('proposes and accepts an agreement, each in its own block', async () => {
    const proposed = await nl.submit({ identity: wallets[NL]!.admin, contract: 'agreement', fn: 'Propose', args: [agreementJson({ id: 'AGR-NL-BE', parties: [NL, BE] })] });
    const accepted = await be.submit({ identity: wallets[BE]!.admin, contract: 'agreement', fn: 'Accept', args: ['AGR-NL-BE'] });
    assert.ok(accepted.blockNumber > proposed.blockNumber);
    const view = JSON.parse((await de.evaluate({ identity: wallets[DE]!.auditor, contract: 'agreement', fn: 'Get', args: ['AGR-NL-BE'] })).toString()) as { status: string };
    assert.equal(view.status, 'active');
  });

  it('lodges a signed declaration: the private part reaches only the originator\'s peer, the others hold its hash', async () => {
    lodged = await makeLodgement(sampleDeclaration(), NL, newTrader());
    const result = await lodge(lodged);
    assert.ok(result.blockNumber >= 1);
    assert.ok((await get(nl, NL, lodged.declaration.ucr)).private);
    assert.equal((await get(be, BE, lodged.declaration.ucr)).private, null);
    await network.settled();
    for (const msp of [BE, DE]) {
      const store = network.peer(msp).store;
      const hashes: string[] = [];
      for await (const key of store.pvtHash.keys()) {
        hashes.push(key);
      }
      assert.ok(hashes.some((k) => k.startsWith(`_implicit_org_${NL}`)), `${msp} should hold the hash`);
      for await (const key of store.pvt.keys()) {
        assert.fail(`${msp} holds private data ${key}`);
      }
    }
  });

  it('shares under the agreement, endorsed by both peers; the recipient peer stores exactly the shared fields', async () => {
    const result = await nl.submit({
      identity: wallets[NL]!.officer,
      contract: 'consignment',
      fn: 'Share',
      args: [lodged.declaration.ucr, BE, 'AGR-NL-BE', 'risk-assessment', ''],
      transient: { shared: json(sharedPayload(lodged, ['goods', 'valuation'])) },
      endorsingOrgs: [NL, BE],
    });
    const share = JSON.parse(result.payload.toString()) as ShareRecord;
    assert.deepEqual(share.categories, ['goods', 'valuation']);
    await network.settled();
    const atBe = await get(be, BE, lodged.declaration.ucr);
    assert.deepEqual(Object.keys(atBe.private?.fields ?? {}).sort(), ['customsValue', 'goodsItems', 'invoice']);
    assert.equal((await get(de, DE, lodged.declaration.ucr)).private, null);
  });

  it('refuses a share endorsed by the originator and a third authority: the recipient\'s collection needs the recipient', async () => {
    await assert.rejects(
      nl.submit({
        identity: wallets[NL]!.officer,
        contract: 'consignment',
        fn: 'Share',
        args: [lodged.declaration.ucr, BE, 'AGR-NL-BE', 'risk-assessment', ''],
        transient: { shared: json(sharedPayload(lodged, ['goods', 'valuation'])) },
        endorsingOrgs: [DE],
        endorsement: 'named',
      }),
      (err: unknown) => err instanceof LedgerError && err.stage === 'commit' && err.details.validationCode === 'ENDORSEMENT_POLICY_FAILURE',
    );
  });

  it('returns a chaincode refusal as an endorse error carrying the coded message', async () => {
    await assert.rejects(
      be.submit({ identity: wallets[BE]!.officer, contract: 'consignment', fn: 'UpdateStatus', args: [lodged.declaration.ucr, 'risk-assessed', 'x'] }),
      (err: unknown) => err instanceof LedgerError && err.stage === 'endorse' && /WRONG_ORGANIZATION/.test(err.details.chaincodeMessage ?? ''),
    );
  });

  it('invalidates the second of two concurrent updates of one record, as Fabric does, and keeps it in its block', async () => {
    const update = (reason: string) =>
      nl.submit({ identity: wallets[NL]!.officer, contract: 'consignment', fn: 'UpdateStatus', args: [lodged.declaration.ucr, 'risk-assessed', reason] });
    const results = await Promise.allSettled([update('first'), update('second')]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 1);
    assert.equal(failed.length, 1);
    const err = failed[0]!.reason as LedgerError;
    const status = await nl.transactionStatus(err.transactionId!);
    // In one block, Fabric's key-level validator refuses a key whose policy an earlier transaction of the
    // block set (the new status index entry): ENDORSEMENT_POLICY_FAILURE. In a later block, the record's
    // version has moved on: MVCC_READ_CONFLICT.
    const expected = status?.blockNumber === (ok[0] as PromiseFulfilledResult<{ blockNumber: number }>).value.blockNumber ? 'ENDORSEMENT_POLICY_FAILURE' : 'MVCC_READ_CONFLICT';
    assert.equal(err.details.validationCode, expected);
    assert.equal(status?.validationCode, expected);
    const block = readBlock(await nl.blockBytes(status.blockNumber));
    assert.ok(block.validationCodes.includes(expected));
  });

  it('chains blocks by header hash and replays contract events from any block', async () => {
    const height = await nl.blockHeight();
    for (let n = 1; n < height; n++) {
      assert.equal((await nl.blockInfo(n)).previousHash, (await nl.blockInfo(n - 1)).headerHash);
    }
    const names: string[] = [];
    const stop = await de.onContractEvents(0, (e) => names.push(e.name));
    stop();
    assert.deepEqual(names.slice(0, 7), ['MemberRegistered', 'MemberRegistered', 'MemberRegistered', 'AgreementProposed', 'AgreementAccepted', 'ConsignmentLodged', 'ConsignmentShared']);
    assert.ok(names.includes('StatusUpdated'));
  });

  it('keeps everything across a restart', async () => {
    const heightBefore = await be.blockHeight();
    await network.close();
    await start();
    assert.equal(await be.blockHeight(), heightBefore);
    assert.equal((await get(nl, NL, lodged.declaration.ucr)).record.status, 'risk-assessed');
    assert.ok((await get(be, BE, lodged.declaration.ucr)).private?.fields.customsValue);
    const again = await nl.submit({ identity: wallets[NL]!.officer, contract: 'consignment', fn: 'UpdateStatus', args: [lodged.declaration.ucr, 'released', 'cleared'] });
    assert.equal(again.blockNumber, heightBefore);
  });
});
