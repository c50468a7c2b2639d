import { strict as assert } from 'node:assert';
import { fieldsOfCategories, type RecordView, type ShareRecord } from 'customs-ledger-chaincode/domain';
import { gatewaysForSuite } from '../../../support/gateways';
import { client, expectStatus, lodgeVia, makeAgreement, type LodgedByHttp } from '../../../support/http-client';

const errorCode = (body: Record<string, unknown>) => (body.error as { code: string }).code;

describe('gateway: agreements and sharing', function () {
  this.timeout(60_000);
  const gws = gatewaysForSuite();

  it('proposes, lists and accepts an agreement through each party\'s own gateway', async () => {
    const id = await makeAgreement(gws, ['NL', 'BE'], { acceptedBy: [] });
    const proposed = expectStatus(await client(gws.BE).get(`/agreements/${id}`, 'officer'), 200);
    assert.equal(proposed.status, 'proposed');
    assert.deepEqual(proposed.acceptedBy, [gws.NL.msp]);
    const list = expectStatus(await client(gws.BE).get(`/agreements?party=${gws.BE.msp}&status=proposed`, 'auditor'), 200);
    assert.ok((list.agreements as { id: string }[]).some((a) => a.id === id));
    const accepted = expectStatus(await client(gws.BE).post(`/agreements/${id}/accept`, undefined, 'admin'), 200);
    assert.equal(accepted.status, 'active');
    const again = expectStatus(await client(gws.BE).post(`/agreements/${id}/accept`, {}, 'admin'), 409);
    assert.equal(errorCode(again), 'ALREADY_ACCEPTED');
    const stranger = expectStatus(await client(gws.DE).post(`/agreements/${id}/accept`, undefined, 'admin'), 403);
    assert.equal(errorCode(stranger), 'NOT_A_PARTY');
    expectStatus(await client(gws.DE).get('/agreements/AGR-NOPE-404', 'admin'), 404);
  });

  describe('a share under an active agreement', () => {
    let agreementId: string;
    let lodged: LodgedByHttp;
    let share: ShareRecord;

    before(async () => {
      agreementId = await makeAgreement(gws, ['NL', 'BE'], { categories: ['goods', 'valuation'], purposes: ['risk-assessment', 'enforcement'] });
      lodged = await lodgeVia(gws.NL);
      const body = expectStatus(
        await client(gws.NL).post(`/consignments/${lodged.ucr}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'risk-assessment' }, 'officer'),
        201,
      );
      share = body as unknown as ShareRecord;
    });

    it('defaults to the agreement\'s categories and records the share publicly', async () => {
      assert.deepEqual(share.categories, ['goods', 'valuation']);
      assert.deepEqual(share.fields, fieldsOfCategories(['goods', 'valuation']));
      const shares = expectStatus(await client(gws.DE).get(`/consignments/${lodged.ucr}/shares`, 'auditor'), 200);
      assert.deepEqual((shares.shares as ShareRecord[]).map((s) => s.shareId), [share.shareId]);
    });

    it('lets the recipient read exactly the agreement\'s categories', async () => {
      const view = expectStatus(await client(gws.BE).get(`/consignments/${lodged.ucr}`, 'officer'), 200) as unknown as RecordView;
      assert.deepEqual(Object.keys(view.private?.fields ?? {}).sort(), fieldsOfCategories(['goods', 'valuation']));
      assert.deepEqual(view.private?.fields.goodsItems, lodged.declaration.goodsItems);
      assert.deepEqual(view.private?.fields.customsValue, lodged.declaration.customsValue);
      assert.equal(view.private?.fields.consignor, undefined);
      assert.deepEqual(view.private?.sources, [share.shareId]);
    });

    it('gives a non-party nothing private, and refuses it a share', async () => {
      const view = expectStatus(await client(gws.DE).get(`/consignments/${lodged.ucr}`, 'officer'), 200) as unknown as RecordView;
      assert.equal(view.private, null);
      const before = await gws.ledger.fingerprint();
      const refused = expectStatus(
        await client(gws.DE).post(`/consignments/${lodged.ucr}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'risk-assessment' }, 'officer'),
        403,
      );
      assert.equal(errorCode(refused), 'NO_SHARED_COPY');
      const notParty = expectStatus(
        await client(gws.NL).post(`/consignments/${lodged.ucr}/shares`, { recipient: gws.DE.msp, agreementId, purpose: 'risk-assessment' }, 'officer'),
        403,
      );
      assert.equal(errorCode(notParty), 'RECIPIENT_NOT_PARTY');
      assert.equal(await gws.ledger.fingerprint(), before);
    });

    it('shares a narrower set of categories on request, and refuses categories the agreement does not cover', async () => {
      const other = await lodgeVia(gws.NL);
      const narrow = expectStatus(
        await client(gws.NL).post(`/consignments/${other.ucr}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'enforcement', categories: ['valuation'] }, 'officer'),
        201,
      );
      assert.deepEqual(narrow.categories, ['valuation']);
      const view = expectStatus(await client(gws.BE).get(`/consignments/${other.ucr}`, 'officer'), 200) as unknown as RecordView;
      assert.deepEqual(Object.keys(view.private?.fields ?? {}).sort(), fieldsOfCategories(['valuation']));
      const uncovered = expectStatus(
        await client(gws.NL).post(`/consignments/${other.ucr}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'enforcement', categories: ['parties'] }, 'officer'),
        403,
      );
      assert.equal(errorCode(uncovered), 'CATEGORY_NOT_COVERED');
      const purpose = expectStatus(
        await client(gws.NL).post(`/consignments/${other.ucr}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'statistics' }, 'officer'),
        403,
      );
      assert.equal(errorCode(purpose), 'PURPOSE_NOT_ALLOWED');
    });

    it('records an access request before it returns the shared fields, and lists it under the agreement', async () => {
      const body = expectStatus(await client(gws.BE).post(`/consignments/${lodged.ucr}/access-requests`, { purpose: 'enforcement' }, 'officer'), 201);
      const request = body.request as { by: string; shareIds: string[]; agreementIds: string[] };
      assert.equal(request.by, gws.BE.msp);
      assert.deepEqual(request.shareIds, [share.shareId]);
      const view = body.view as RecordView;
      assert.deepEqual(view.private?.fields.goodsItems, lodged.declaration.goodsItems);
      const activity = expectStatus(await client(gws.NL).get(`/agreements/${agreementId}/activity`, 'auditor'), 200);
      assert.ok((activity.accesses as { by: string }[]).some((a) => a.by === gws.BE.msp));
      assert.ok((activity.shares as { shareId: string }[]).some((s) => s.shareId === share.shareId));
      const stranger = expectStatus(await client(gws.DE).post(`/consignments/${lodged.ucr}/access-requests`, { purpose: 'enforcement' }, 'officer'), 403);
      assert.equal(errorCode(stranger), 'NO_SHARED_COPY');
    });

    it('refuses to purge before retention ends, then purges once the agreement is terminated', async () => {
      const early = expectStatus(await client(gws.BE).post(`/consignments/${lodged.ucr}/shares/${share.shareId}/purge`, undefined, 'officer'), 409);
      assert.equal(errorCode(early), 'RETENTION_NOT_REACHED');
      const notHolder = expectStatus(await client(gws.NL).post(`/consignments/${lodged.ucr}/shares/${share.shareId}/purge`, undefined, 'officer'), 403);
      assert.equal(errorCode(notHolder), 'WRONG_ORGANIZATION');
      expectStatus(await client(gws.NL).post(`/agreements/${agreementId}/terminate`, { reason: 'end of cooperation' }, 'admin'), 200);
      const receipt = expectStatus(await client(gws.BE).post(`/consignments/${lodged.ucr}/shares/${share.shareId}/purge`, undefined, 'officer'), 200);
      assert.equal(receipt.reason, 'agreement-terminated');
      const shares = expectStatus(await client(gws.NL).get(`/consignments/${lodged.ucr}/shares`, 'officer'), 200);
      assert.equal((shares.shares as { purge: { holder: string } | null }[])[0]?.purge?.holder, gws.BE.msp);
      const view = expectStatus(await client(gws.BE).get(`/consignments/${lodged.ucr}`, 'officer'), 200) as unknown as RecordView;
      assert.equal(view.private, null);
      const twice = expectStatus(await client(gws.BE).post(`/consignments/${lodged.ucr}/shares/${share.shareId}/purge`, undefined, 'officer'), 409);
      assert.equal(errorCode(twice), 'ALREADY_PURGED');
      expectStatus(await client(gws.BE).post(`/consignments/${lodged.ucr}/shares/nosuchshare/purge`, undefined, 'officer'), 404);
    });
  });

  it('purges a copy once the agreement\'s retention has run out', async function () {
    if (!gws.ledger.setNow) {
      this.skip();
    }
    const agreementId = await makeAgreement(gws, ['NL', 'DE'], { retentionDays: 30 });
    const lodged = await lodgeVia(gws.NL);
    const share = expectStatus(
      await client(gws.NL).post(`/consignments/${lodged.ucr}/shares`, { recipient: gws.DE.msp, agreementId, purpose: 'risk-assessment' }, 'officer'),
      201,
    );
    const start = gws.ledger.now();
    const setNow = gws.ledger.setNow;
    try {
      setNow?.(new Date(start.getTime() + 31 * 86_400_000));
      const receipt = expectStatus(await client(gws.DE).post(`/consignments/${lodged.ucr}/shares/${String(share.shareId)}/purge`, undefined, 'officer'), 200);
      assert.equal(receipt.reason, 'retention-elapsed');
    } finally {
      setNow?.(start);
    }
  });

  it('refuses sharing under a suspended agreement (409), again after resuming works, and never under a terminated one', async () => {
    const agreementId = await makeAgreement(gws, ['NL', 'BE', 'DE']);
    const lodged = await lodgeVia(gws.NL);
    const shareWith = (recipient: string) =>
      client(gws.NL).post(`/consignments/${lodged.ucr}/shares`, { recipient, agreementId, purpose: 'risk-assessment' }, 'officer');
    expectStatus(await client(gws.BE).post(`/agreements/${agreementId}/suspend`, { reason: 'audit of data handling' }, 'admin'), 200);
    const before = await gws.ledger.fingerprint();
    const suspended = expectStatus(await shareWith(gws.BE.msp), 409);
    assert.equal(errorCode(suspended), 'AGREEMENT_NOT_ACTIVE');
    assert.equal(await gws.ledger.fingerprint(), before);
    expectStatus(await client(gws.NL).post(`/agreements/${agreementId}/resume`, { reason: 'audit closed' }, 'admin'), 200);
    expectStatus(await shareWith(gws.BE.msp), 201);
    expectStatus(await client(gws.DE).post(`/agreements/${agreementId}/terminate`, { reason: 'withdrawn' }, 'admin'), 200);
    const terminated = expectStatus(await shareWith(gws.DE.msp), 409);
    assert.equal(errorCode(terminated), 'AGREEMENT_NOT_ACTIVE');
    const resumed = expectStatus(await client(gws.NL).post(`/agreements/${agreementId}/resume`, { reason: 'no' }, 'admin'), 409);
    assert.equal(errorCode(resumed), 'INVALID_AGREEMENT_STATE');
  });
});
