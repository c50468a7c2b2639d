/**
 * What a member may still put on the ledger under keys it owns (its own
 * record, its own acceptance, its own access request), through its own
 * build of the chaincode: every other member's gateway keeps answering.
 * Listings leave such a document out and name it under `skipped`; a read
 * of it alone is a 409 that names the key and what is wrong; nothing is a
 * 5xx. The rogue-member suite does the same writes through real Fabric.
 */
import { strict as assert } from 'node:assert';
import type { ConsignmentRecord } from 'customs-ledger-chaincode/domain';
import { createCompositeKey } from 'customs-ledger-gateway/dist/fabric-format/keys';
import { gatewaysForSuite } from '../../../support/gateways';
import { client, expectStatus, lodgeVia, makeAgreement } from '../../../support/http-client';

interface Skipped {
  key: string;
  reason: string;
}

describe('gateway: documents a member overwrote under its own keys', function () {
  this.timeout(60_000);
  // The owner's raw write is made on the in-memory channel, whichever ledger the suite runs on.
  const gws = gatewaysForSuite({ backend: 'memory' });
  let garbled: string;
  let inconsistent: string;
  let shared: string;
  let agreementId: string;

  before(async () => {
    const memory = gws.ledger.memory!;
    agreementId = await makeAgreement(gws, ['NL', 'BE']);
    garbled = (await lodgeVia(gws.NL, { office: 'NLAMS' })).ucr;
    inconsistent = (await lodgeVia(gws.NL, { office: 'NLAMS' })).ucr;
    shared = (await lodgeVia(gws.NL, { office: 'NLAMS' })).ucr;
    expectStatus(await client(gws.NL).post(`/consignments/${shared}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'risk-assessment' }, 'officer'), 201);
    const access = expectStatus(await client(gws.BE).post(`/consignments/${shared}/access-requests`, { purpose: 'risk-assessment' }, 'officer'), 201);
    const record = expectStatus(await client(gws.NL).get(`/consignments/${inconsistent}`, 'officer'), 200).record as ConsignmentRecord;

    // NL's own record: bytes that are no JSON; another: a record whose status is not the last of its history.
    memory.ownerWrite(gws.NL.msp, createCompositeKey('consignment', [garbled]), Buffer.from('{"docType":"consignment","ucr":'));
    memory.ownerWrite(gws.NL.msp, createCompositeKey('consignment', [inconsistent]), Buffer.from(JSON.stringify({ ...record, status: 'released' })));
    // NL's own acceptance rewritten to name BE's (would count BE as accepting twice, or for an agreement BE never saw).
    const acceptance = { docType: 'acceptance', agreementId, party: gws.BE.msp, acceptedAt: record.lodgedAt, txId: 'x' };
    memory.ownerWrite(gws.NL.msp, createCompositeKey('acceptance', [agreementId, gws.NL.msp]), Buffer.from(JSON.stringify(acceptance)));
    // BE's own access request: a JSON array.
    memory.ownerWrite(gws.BE.msp, createCompositeKey('access', [shared, (access.request as { requestId: string }).requestId]), Buffer.from('[]'));
  });

  it('lists the other records and names the ones it left out, with why', async () => {
    for (const gw of [gws.BE, gws.DE, gws.NL]) {
      const page = expectStatus(await client(gw).get('/consignments?by=office&value=NLAMS', 'officer'), 200);
      assert.deepEqual((page.records as ConsignmentRecord[]).map((r) => r.ucr), [shared]);
      assert.equal(page.count, 1);
      const skipped = page.skipped as Skipped[];
      assert.deepEqual(skipped.map((s) => s.key).sort(), [`consignment/${garbled}`, `consignment/${inconsistent}`].sort());
      assert.match(skipped.find((s) => s.key === `consignment/${garbled}`)!.reason, /no well-formed consignment record under consignment\/.*: not JSON/);
      assert.match(skipped.find((s) => s.key === `consignment/${inconsistent}`)!.reason, /status is not the last entry of statusHistory/);
    }
  });

  it('answers a read of such a record with 409 MALFORMED_DOCUMENT naming the key, and refuses to change it', async () => {
    const got = expectStatus(await client(gws.DE).get(`/consignments/${garbled}`, 'auditor'), 409);
    const error = got.error as { code: string; message: string; details: { key: string } };
    assert.equal(error.code, 'MALFORMED_DOCUMENT');
    assert.equal(error.details.key, `consignment/${garbled}`);
    const moved = expectStatus(await client(gws.NL).post(`/consignments/${inconsistent}/status`, { status: 'risk-assessed', reason: 'x' }, 'officer'), 409);
    assert.equal((moved.error as { code: string }).code, 'MALFORMED_DOCUMENT');
  });

  it('keeps a history, naming the version it left out by its transaction', async () => {
    const history = expectStatus(await client(gws.BE).get(`/consignments/${garbled}/history`, 'officer'), 200);
    assert.deepEqual((history.history as { record: ConsignmentRecord }[]).map((h) => h.record.status), ['lodged']);
    assert.match((history.skipped as Skipped[])[0]!.reason, /not JSON \(the version written by transaction [0-9a-f]{32}\)/);
  });

  it('counts an acceptance that names another party as no acceptance, and says so', async () => {
    const list = expectStatus(await client(gws.BE).get('/agreements', 'admin'), 200);
    const view = (list.agreements as { id: string; acceptedBy: string[]; status: string }[]).find((a) => a.id === agreementId)!;
    assert.deepEqual(view.acceptedBy, [gws.BE.msp]);
    assert.equal(view.status, 'proposed');
    assert.ok((list.skipped as Skipped[]).some((s) => s.key === `acceptance/${agreementId}/${gws.NL.msp}` && /it names BECustomsMSP's acceptance/.test(s.reason)));
    const share = expectStatus(await client(gws.NL).post(`/consignments/${shared}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'risk-assessment' }, 'officer'), 409);
    assert.equal((share.error as { code: string }).code, 'AGREEMENT_NOT_ACTIVE', 'no data flows under an agreement its proposer no longer accepts');
  });

  it('lists an agreement\'s activity and a record\'s shares without the access request that is not one', async () => {
    const activity = expectStatus(await client(gws.DE).get(`/agreements/${agreementId}/activity`, 'auditor'), 200);
    assert.equal((activity.shares as unknown[]).length, 1);
    assert.deepEqual(activity.accesses, []);
    const skipped = activity.skipped as Skipped[];
    assert.ok(skipped.some((s) => s.key.startsWith(`access/${shared}/`) && /\(document\): /.test(s.reason)), JSON.stringify(skipped));
    const shares = expectStatus(await client(gws.BE).get(`/consignments/${shared}/shares`, 'officer'), 200);
    assert.equal((shares.shares as unknown[]).length, 1);
    assert.deepEqual(shares.skipped, []);
  });
});
