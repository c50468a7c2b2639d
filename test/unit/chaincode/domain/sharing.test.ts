import { strict as assert } from 'node:assert';
import { LedgerRuleError, requireNewRecipient, shareableCategories, type AgreementView, type ConsignmentRecord, type ErrorCode } from 'customs-ledger-chaincode/domain';

const [BE, DE, NL, FR] = ['BECustomsMSP', 'DECustomsMSP', 'NLCustomsMSP', 'FRCustomsMSP'];

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
