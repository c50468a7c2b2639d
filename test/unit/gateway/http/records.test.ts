import { strict as assert } from 'node:assert';
import type { ConsignmentRecord } from 'customs-ledger-chaincode/domain';
import { gatewaysForSuite } from '../../../support/gateways';
import { client, expectStatus, lodgeVia } from '../../../support/http-client';

describe('gateway: status, history and lists', function () {
  this.timeout(60_000);
  const gws = gatewaysForSuite();

  it('moves a record lodged → risk-assessed → held → released and keeps every version in its history', async () => {
    const { ucr } = await lodgeVia(gws.NL);
    const steps = [
      ['risk-assessed', 'profile match: undervaluation'],
      ['held', 'physical inspection ordered'],
      ['released', 'inspection found nothing'],
    ] as const;
    for (const [status, reason] of steps) {
      const record = expectStatus(await client(gws.NL).post(`/consignments/${ucr}/status`, { status, reason }, 'officer'), 200);
      assert.equal(record.status, status);
    }
    const invalid = expectStatus(await client(gws.NL).post(`/consignments/${ucr}/status`, { status: 'seized', reason: 'late' }, 'officer'), 409);
    assert.equal((invalid.error as { code: string }).code, 'INVALID_TRANSITION');
    const other = expectStatus(await client(gws.BE).post(`/consignments/${ucr}/status`, { status: 'seized', reason: 'x' }, 'officer'), 403);
    assert.equal((other.error as { code: string }).code, 'WRONG_ORGANIZATION');
    const history = expectStatus(await client(gws.DE).get(`/consignments/${ucr}/history`, 'auditor'), 200).history as {
      txId: string;
      record: ConsignmentRecord;
    }[];
    assert.deepEqual(
      history.map((h) => h.record.status),
      ['released', 'held', 'risk-assessed', 'lodged'],
      'newest first, as a Fabric peer answers',
    );
    assert.deepEqual(
      history[0]?.record.statusHistory.map((s) => s.reason),
      ['lodged', ...steps.map(([, r]) => r)],
    );
    expectStatus(await client(gws.NL).get('/consignments/6NL000000000-NONE/history', 'officer'), 404);
  });

  it('pages through an index with a cursor until the bookmark runs out', async () => {
    const office = 'NLAMS';
    const lodged: string[] = [];
    for (let i = 0; i < 5; i++) {
      lodged.push((await lodgeVia(gws.NL, { office })).ucr);
    }
    const seen: string[] = [];
    let bookmark = '';
    for (let page = 0; page < 10; page++) {
      const body = expectStatus(
        await client(gws.BE).get(`/consignments?by=office&value=${office}&pageSize=2${bookmark === '' ? '' : `&bookmark=${bookmark}`}`, 'officer'),
        200,
      );
      const records = body.records as ConsignmentRecord[];
      assert.ok(records.length <= 2);
      seen.push(...records.map((r) => r.ucr));
      bookmark = body.bookmark as string;
      assert.match(bookmark, /^[A-Za-z0-9_-]*$/);
      if (bookmark === '') {
        break;
      }
    }
    assert.deepEqual([...seen].sort(), [...lodged].sort());
    const day = gws.ledger.now().toISOString().slice(0, 10);
    const byDay = expectStatus(await client(gws.NL).get(`/consignments?by=day&value=${day}&pageSize=200`, 'admin'), 200);
    assert.ok((byDay.records as ConsignmentRecord[]).length >= 5);
    const byStatus = expectStatus(await client(gws.NL).get('/consignments?by=status&value=lodged', 'auditor'), 200);
    assert.ok((byStatus.records as ConsignmentRecord[]).every((r) => r.status === 'lodged'));
  });
});
