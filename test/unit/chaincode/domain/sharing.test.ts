import { strict as assert } from 'node:assert';
import { LedgerRuleError, ownDeclarationPurge, requireNewRecipient, shareableCategories, sharedCopyPurge, type AgreementView, type ConsignmentRecord, type ErrorCode, type ShareRecord } from 'customs-ledger-chaincode/domain';
import { BE, DE, NL } from '../../../support/identities';

const FR = 'FRCustomsMSP';

const agreement: AgreementView = {
  docType: 'agreement',
  id: 'agr-1',
  parties: [BE, DE, NL],
  categories: ['goods', 'parties', 'transport'],
  purposes: ['risk-assessment'],
  legalBasis: 'Mutual assistance',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  retentionDays: 30,
  onwardSharing: false,
  proposer: NL,
  proposedAt: '2026-01-01T00:00:00.000Z',
  proposeTxId: 'tx0',
  suspension: null,
  termination: null,
  acceptedBy: [BE, DE, NL],
  status: 'active',
};

function refusedWith(code: ErrorCode, run: () => unknown): void {
  assert.throws(run, (err: unknown) => err instanceof LedgerRuleError && err.code === code, `expected ${code}`);
}

describe('sharing decisions', () => {
  it('share the named categories sorted and once each, or all of the agreement\'s', () => {
    assert.deepEqual(shareableCategories(agreement, NL, BE, 'risk-assessment', ['transport', 'goods', 'transport']), ['goods', 'transport']);
    assert.deepEqual(shareableCategories(agreement, NL, BE, 'risk-assessment', null), ['goods', 'parties', 'transport']);
  });

  it('refuse what the agreement does not allow, each with its own code', () => {
    refusedWith('AGREEMENT_NOT_ACTIVE', () => shareableCategories({ ...agreement, status: 'suspended' }, NL, BE, 'risk-assessment', null));
    refusedWith('NOT_A_PARTY', () => shareableCategories(agreement, FR, BE, 'risk-assessment', null));
    refusedWith('RECIPIENT_NOT_PARTY', () => shareableCategories(agreement, NL, FR, 'risk-assessment', null));
    refusedWith('PURPOSE_NOT_ALLOWED', () => shareableCategories(agreement, NL, BE, 'enforcement', null));
    refusedWith('CATEGORY_NOT_COVERED', () => shareableCategories(agreement, NL, BE, 'risk-assessment', ['valuation']));
  });

  it('refuse a recipient that holds the record already', () => {
    const record = { originator: NL } as ConsignmentRecord;
    refusedWith('INVALID_ARGUMENT', () => requireNewRecipient(record, BE, NL));
    refusedWith('INVALID_ARGUMENT', () => requireNewRecipient(record, NL, NL));
    assert.doesNotThrow(() => requireNewRecipient(record, NL, DE));
  });
});

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
