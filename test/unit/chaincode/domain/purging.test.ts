import { strict as assert } from 'node:assert';
import { ownDeclarationPurge, sharedCopyPurge, type ConsignmentRecord, type ShareRecord } from 'customs-ledger-chaincode/domain';
import { BE, DE, NL } from '../../../support/identities';
import { activeAgreement as agreement, refusedWith } from '../../../support/decisions';

describe('purging decisions', () => {
  const share = {
    docType: 'share',
    shareId: 'tx-share',
    ucr: 'NLRTM2026000001',
    from: NL,
    to: BE,
    agreementId: agreement.id,
    purpose: 'risk-assessment',
    categories: ['goods'],
    fields: ['goodsItems'],
    payloadHash: '0'.repeat(64),
    sharedAt: '2026-03-01T00:00:00.000Z',
    retainUntil: '2026-03-31T00:00:00.000Z',
    onward: false,
  } satisfies ShareRecord;

  it('let the holder purge its copy once its retention elapsed or its agreement ended, and no one else or earlier', () => {
    assert.equal(sharedCopyPurge(share, agreement, BE, false, '2026-04-01T00:00:00.000Z', 'tx-p').reason, 'retention-elapsed');
    assert.equal(sharedCopyPurge(share, { ...agreement, status: 'terminated' }, BE, false, '2026-03-02T00:00:00.000Z', 'tx-p').reason, 'agreement-terminated');
    refusedWith('RETENTION_NOT_REACHED', () => sharedCopyPurge(share, agreement, BE, false, '2026-03-30T00:00:00.000Z', 'tx-p'));
    refusedWith('WRONG_ORGANIZATION', () => sharedCopyPurge(share, agreement, DE, false, '2026-04-01T00:00:00.000Z', 'tx-p'));
    refusedWith('ALREADY_PURGED', () => sharedCopyPurge(share, agreement, BE, true, '2026-04-01T00:00:00.000Z', 'tx-p'));
  });

  it('let an originator purge its own declaration only after the customs retention minimum, once', () => {
    const record = { ucr: 'NLRTM2026000001', originator: NL, lodgedAt: '2026-03-01T00:00:00.000Z', privatePurgedAt: null } as ConsignmentRecord;
    refusedWith('RETENTION_NOT_REACHED', () => ownDeclarationPurge(record, '2029-02-28T00:00:00.000Z', 'tx-p'));
    const purged = ownDeclarationPurge(record, '2029-03-01T00:00:00.000Z', 'tx-p');
    assert.equal(purged.receipt.reason, 'customs-retention-elapsed');
    assert.equal(purged.receipt.holder, NL);
    assert.equal(purged.record.privatePurgedAt, '2029-03-01T00:00:00.000Z');
    refusedWith('ALREADY_PURGED', () => ownDeclarationPurge(purged.record, '2029-03-02T00:00:00.000Z', 'tx-q'));
  });
});
