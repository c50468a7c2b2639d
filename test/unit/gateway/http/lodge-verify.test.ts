import { strict as assert } from 'node:assert';
import {
  DECLARATION_FIELDS,
  PRIVATE_FIELDS,
  commitDeclaration,
  declarationHashOf,
  type ConsignmentRecord,
  type RecordView,
} from 'customs-ledger-chaincode/domain';
import { signDeclaration } from 'customs-ledger-gateway/dist/trader';
import { newTrader, randomSalts, sampleDeclaration } from '../../../support/fixtures';
import { gatewaysForSuite } from '../../../support/gateways';
import { client, expectStatus, lodgeVia } from '../../../support/http-client';

describe('gateway: lodge, get and verify', function () {
  this.timeout(60_000);
  const gws = gatewaysForSuite();

  it('lodges a declaration, returns the record with its commitments, and reads it back with its private fields', async () => {
    const { declaration, salts, ucr, body } = await lodgeVia(gws.NL);
    const record = body.record as ConsignmentRecord;
    const commitment = commitDeclaration(declaration, salts);
    assert.equal(record.ucr, ucr);
    assert.equal(record.originator, gws.NL.msp);
    assert.equal(record.declarationHash, commitment.declarationHash);
    assert.equal(record.fieldRoot, commitment.fieldRoot);
    assert.equal(body.created, true);
    assert.equal(body.saltsGenerated, false);
    const view = expectStatus(await client(gws.NL).get(`/consignments/${ucr}`, 'officer'), 200) as unknown as RecordView;
    assert.deepEqual(view.record, record);
    assert.deepEqual(Object.keys(view.private?.fields ?? {}).sort(), PRIVATE_FIELDS);
    assert.deepEqual(view.private?.fields.goodsItems, declaration.goodsItems);
    // Other authorities and the originator's own auditor see the public record only.
    assert.equal((expectStatus(await client(gws.BE).get(`/consignments/${ucr}`, 'officer'), 200) as unknown as RecordView).private, null);
    assert.equal((expectStatus(await client(gws.NL).get(`/consignments/${ucr}`, 'auditor'), 200) as unknown as RecordView).private, null);
  });

  it('makes 32 random bytes of salt per field when none are given, and returns them', async () => {
    const declaration = sampleDeclaration();
    const body = expectStatus(await client(gws.NL).post('/consignments', { declaration }, 'officer'), 201);
    const salts = body.salts as Record<string, string>;
    assert.equal(body.saltsGenerated, true);
    assert.deepEqual(Object.keys(salts).sort(), [...DECLARATION_FIELDS].sort());
    for (const salt of Object.values(salts)) {
      assert.match(salt, /^[0-9a-f]{64}$/);
    }
    assert.equal(new Set(Object.values(salts)).size, DECLARATION_FIELDS.length);
    assert.equal((body.record as ConsignmentRecord).fieldRoot, commitDeclaration(declaration, salts as never).fieldRoot);
  });

  it('verifies the exact document (match) and tells a one-field change apart (mismatch), with no token', async () => {
    const { declaration, salts, body } = await lodgeVia(gws.NL);
    const record = body.record as ConsignmentRecord;
    const ok = expectStatus(await client(gws.DE).post('/verify', { declaration }), 200);
    assert.equal(ok.match, true);
    assert.equal(ok.ucr, declaration.ucr);
    assert.equal(ok.declarationHash, declarationHashOf(declaration));
    assert.equal(ok.transactionId, record.lodgeTxId);
    assert.equal(typeof ok.blockNumber, 'number');
    assert.ok((ok.blockNumber as number) >= 1);
    assert.equal(ok.committedAt, record.lodgedAt);
    assert.equal(ok.originator, gws.NL.msp);

    assert.equal(ok.status, undefined, 'a caller without a token never learns the status');

    const changed = { ...declaration, customsValue: { amount: '48250.01', currency: 'EUR' } };
    // Without the salts, a changed document shows nothing of the record: the answer is the one for an unknown UCR.
    const bad = expectStatus(await client(gws.DE).post('/verify', { declaration: changed }), 404);
    const unknown = expectStatus(await client(gws.DE).post('/verify', { declaration: sampleDeclaration() }), 404);
    assert.deepEqual(Object.keys(bad), Object.keys(unknown));
    assert.equal((bad.error as { code: string }).code, (unknown.error as { code: string }).code);
    // With the salts (the holder's proof), the verifier names the field that differs.
    const named = expectStatus(await client(gws.DE).post('/verify', { declaration: changed, salts }), 200);
    assert.equal(named.match, false);
    assert.notEqual(named.declarationHash, named.recordedDeclarationHash);
    assert.deepEqual(named.mismatchedFields, ['customsValue']);
  });

  it('answers 404 for a UCR that was never lodged', async () => {
    const res = await client(gws.NL).post('/verify', { declaration: sampleDeclaration() });
    const body = expectStatus(res, 404);
    assert.equal((body.error as { code: string }).code, 'NOT_FOUND');
  });

  it('checks single disclosed fields with their salts (selective disclosure)', async () => {
    const { declaration, salts, ucr } = await lodgeVia(gws.BE, { ucr: '6BE987654321-SD01', office: 'BEANR', destinationCountry: 'BE' });
    const good = expectStatus(
      await client(gws.DE).post('/verify/fields', { ucr, fields: { goodsItems: { value: declaration.goodsItems, salt: salts.goodsItems } } }),
      200,
    );
    assert.equal(good.match, true);
    // one matching field proves the holder; the others are checked against it
    const mixed = expectStatus(
      await client(gws.DE).post('/verify/fields', { ucr, fields: { goodsItems: { value: declaration.goodsItems, salt: salts.goodsItems }, office: { value: 'BEZEE', salt: salts.office } } }),
      200,
    );
    assert.equal(mixed.match, false);
    assert.deepEqual(mixed.fields, [{ field: 'goodsItems', match: true }, { field: 'office', match: false }]);
    // nothing matching: the answer for an unknown UCR
    expectStatus(await client(gws.DE).post('/verify/fields', { ucr, fields: { office: { value: 'BEZEE', salt: salts.office } } }), 404);
  });

  it('lodges a declaration the trader signed with EIP-712 over the gateway-independent typed data', async () => {
    const trader = newTrader();
    const declaration = sampleDeclaration();
    const salts = randomSalts();
    const { signature } = await signDeclaration(declaration, trader, { authority: gws.NL.msp, channelId: gws.ledger.channelId, salts });
    const body = expectStatus(
      await client(gws.NL).post('/consignments', { declaration, salts, trader: { address: trader.address, signature } }, 'officer'),
      201,
    );
    const record = body.record as ConsignmentRecord;
    assert.equal(record.trader, trader.address.toLowerCase());
    const verified = expectStatus(await client(gws.BE).post('/verify', { declaration }), 200);
    assert.deepEqual(verified.trader, { address: trader.address.toLowerCase(), signature: signature.toLowerCase() });
  });

  it('lodges the file `trader sign` writes as it is, and refuses one signed for another authority, naming it', async () => {
    const trader = newTrader();
    const forBe = await signDeclaration(sampleDeclaration(), trader, { authority: gws.BE.msp, channelId: gws.ledger.channelId });
    const refused = expectStatus(await client(gws.NL).post('/consignments', forBe, 'officer'), 400);
    assert.equal((refused.error as { field: string }).field, 'authority');
    const signed = await signDeclaration(sampleDeclaration(), trader, { authority: gws.NL.msp, channelId: gws.ledger.channelId });
    const body = expectStatus(await client(gws.NL).post('/consignments', signed, 'officer'), 201);
    assert.equal((body.record as ConsignmentRecord).trader, trader.address.toLowerCase());
  });

  it('refuses a signature made for another authority, and a signed lodgement without its salts', async () => {
    const trader = newTrader();
    const declaration = sampleDeclaration();
    const salts = randomSalts();
    const { signature } = await signDeclaration(declaration, trader, { authority: gws.BE.msp, channelId: gws.ledger.channelId, salts });
    const before = await gws.ledger.fingerprint();
    const wrong = expectStatus(
      await client(gws.NL).post('/consignments', { declaration, salts, trader: { address: trader.address, signature } }, 'officer'),
      400,
    );
    assert.equal((wrong.error as { code: string }).code, 'BAD_SIGNATURE');
    const unsalted = expectStatus(
      await client(gws.NL).post('/consignments', { declaration, trader: { address: trader.address, signature } }, 'officer'),
      400,
    );
    assert.equal((unsalted.error as { field: string }).field, 'salts');
    assert.equal(await gws.ledger.fingerprint(), before);
  });

  it('is idempotent: the same declaration again answers 200 with the first record, another one under the UCR is a 409', async () => {
    const { declaration, salts, body } = await lodgeVia(gws.NL);
    const again = expectStatus(await client(gws.NL).post('/consignments', { declaration, salts }, 'officer'), 200);
    assert.deepEqual(again.record, body.record);
    assert.equal(again.created, false);
    const other = { ...declaration, seals: ['SL-000001'] };
    const conflict = expectStatus(await client(gws.NL).post('/consignments', { declaration: other }, 'officer'), 409);
    assert.equal((conflict.error as { code: string }).code, 'UCR_CONFLICT');
  });

  describe('ledger faults', () => {
    beforeEach(function () {
      if (!gws.ledger.faults) {
        this.skip();
      }
    });
    afterEach(() => gws.ledger.faults?.clear());

    it('sends a lodge again after an unconfirmed commit: one record, lodged once', async () => {
      gws.ledger.faults!.timeout('consignment:Lodge', 1);
      const declaration = sampleDeclaration();
      const salts = randomSalts();
      const res = await client(gws.NL).post('/consignments', { declaration, salts }, 'officer');
      const body = expectStatus(res, 200);
      assert.equal(body.created, false, 'the second send found the first one committed');
      const lodges = gws.ledger.memory!.committed.filter((tx) => tx.fn === 'consignment:Lodge' && tx.rwset.writes.length > 0);
      assert.equal(lodges.filter((tx) => tx.rwset.writes.some((w) => w.key.includes(declaration.ucr))).length, 1);
      expectStatus(await client(gws.NL).get(`/consignments/${declaration.ucr}`, 'officer'), 200);
    });

    it('lets a client send a lodge again after a 504: the ledger answers with the one record', async () => {
      gws.ledger.faults!.timeout('consignment:Lodge', 3);
      const declaration = sampleDeclaration();
      const salts = randomSalts();
      const timedOut = expectStatus(await client(gws.NL).post('/consignments', { declaration, salts }, 'officer'), 504);
      assert.equal((timedOut.error as { code: string }).code, 'LEDGER_TIMEOUT');
      const before = await gws.ledger.fingerprint();
      const again = expectStatus(await client(gws.NL).post('/consignments', { declaration, salts }, 'officer'), 200);
      assert.equal(again.created, false);
      assert.equal((again.record as ConsignmentRecord).declarationHash, declarationHashOf(declaration));
      assert.deepEqual(again.salts, salts);
      const stateAfter = [...gws.ledger.memory!.state.keys()].filter((k) => k.includes(declaration.ucr));
      assert.equal(stateAfter.length, 4, 'one record and its three index entries');
      // The replayed lodge committed an empty transaction: state is what it was.
      assert.notEqual(await gws.ledger.fingerprint(), before);
    });

    it('reports an unconfirmed commit of a non-idempotent update as 504 with its transaction id', async () => {
      const { ucr } = await lodgeVia(gws.NL);
      gws.ledger.faults!.timeout('consignment:UpdateStatus', 1);
      const res = await client(gws.NL).post(`/consignments/${ucr}/status`, { status: 'risk-assessed', reason: 'routine' }, 'officer');
      const body = expectStatus(res, 504);
      assert.equal((body.error as { code: string }).code, 'LEDGER_TIMEOUT');
      assert.equal((body.error as { details: { committed: boolean } }).details.committed, true);
    });

    it('retries read conflicts with a new transaction and succeeds within three attempts', async () => {
      gws.ledger.faults!.conflict('consignment:Lodge', 2);
      const declaration = sampleDeclaration();
      expectStatus(await client(gws.NL).post('/consignments', { declaration }, 'officer'), 201);
    });

    it('gives up after three conflicting attempts with 409 and writes no record, only the private part in the own collection', async () => {
      gws.ledger.faults!.conflict('consignment:Lodge', 3, 'PHANTOM_READ_CONFLICT');
      const declaration = sampleDeclaration();
      const committedBefore = gws.ledger.memory!.committed.length;
      const body = expectStatus(await client(gws.NL).post('/consignments', { declaration }, 'officer'), 409);
      assert.equal((body.error as { code: string }).code, 'LEDGER_CONFLICT');
      const written = gws.ledger.memory!.committed.slice(committedBefore);
      assert.deepEqual(written.map((tx) => tx.fn), ['consignment:StoreDeclaration'], 'only the private part was stored');
      assert.deepEqual(written[0]!.rwset.writes, [], 'and no public key was written');
      expectStatus(await client(gws.NL).get(`/consignments/${declaration.ucr}`, 'officer'), 404);
      // sending it again lodges it, reusing nothing but what the same declaration stores anyway
      expectStatus(await client(gws.NL).post('/consignments', { declaration }, 'officer'), 201);
    });
  });
});
