import { strict as assert } from 'node:assert';
import {
  checkSharedPayload,
  leafHash,
  mergedCopies,
  requireNewRecipient,
  requireOnwardRight,
  shareableCategories,
  type ConsignmentRecord,
  type SharedCopy,
} from 'customs-ledger-chaincode/domain';
import { BE, DE, NL } from '../../../support/identities';
import { activeAgreement as agreement, refusedWith } from '../../../support/decisions';

const FR = 'FRCustomsMSP';

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
  it('let a holder pass on only what it received under an agreement that allows onward sharing', () => {
    const record = { ucr: '6NL123456789-C001', originator: NL } as ConsignmentRecord;
    const held = [
      { categories: ['goods', 'transport'] as const, onwardSharing: true },
      { categories: ['parties'] as const, onwardSharing: false },
    ];
    assert.doesNotThrow(() => requireOnwardRight(record, BE, held, ['goods', 'transport']));
    refusedWith('ONWARD_SHARING_NOT_ALLOWED', () => requireOnwardRight(record, BE, held, ['goods', 'parties']));
    refusedWith('ONWARD_SHARING_NOT_ALLOWED', () => requireOnwardRight(record, BE, [{ categories: ['goods'], onwardSharing: false }], ['goods']));
    refusedWith('NO_SHARED_COPY', () => requireOnwardRight(record, DE, [], ['goods']));
  });

  it('take a shared payload only when it is exactly the shared fields, each matching the hash the record committed to', () => {
    const salts = { consignor: 'aa'.repeat(32), consignee: 'bb'.repeat(32) };
    const fields = { consignor: { name: 'Acme BV' }, consignee: { name: 'Beta NV' } };
    const record = {
      ucr: '6NL123456789-C001',
      fieldHashes: { consignor: leafHash('consignor', salts.consignor, fields.consignor), consignee: leafHash('consignee', salts.consignee, fields.consignee) },
    } as unknown as ConsignmentRecord;
    const taken = checkSharedPayload(record, ['consignee', 'consignor'], { fields, salts });
    assert.deepEqual(taken, { fields, salts });
    refusedWith('CATEGORY_NOT_COVERED', () => checkSharedPayload(record, ['consignor'], { fields, salts }));
    refusedWith('SHARED_FIELD_MISMATCH', () => checkSharedPayload(record, ['consignee', 'consignor'], { fields: { ...fields, consignee: { name: 'Other' } }, salts }));
    refusedWith('SHARED_FIELD_MISMATCH', () => checkSharedPayload(record, ['consignee', 'consignor'], { fields: { consignor: fields.consignor }, salts }));
  });

  it('merge a recipient\'s copies in the order they were shared, later values over earlier ones, or show none', () => {
    const copy = (shareId: string, sharedAt: string, consignor: string, categories: SharedCopy['categories']): SharedCopy =>
      ({ ucr: '6NL123456789-C001', shareId, from: NL, agreementId: 'agr-1', purpose: 'risk-assessment', categories, fields: { consignor: { name: consignor } }, salts: { consignor: shareId }, sharedAt }) as SharedCopy;
    assert.equal(mergedCopies([]), null);
    const merged = mergedCopies([copy('tx-b', '2026-02-02T00:00:00.000Z', 'Later', ['parties']), copy('tx-a', '2026-02-01T00:00:00.000Z', 'Earlier', ['goods', 'parties'])]);
    assert.deepEqual(merged?.sources, ['tx-a', 'tx-b']);
    assert.deepEqual(merged?.fields, { consignor: { name: 'Later' } });
    assert.deepEqual(merged?.salts, { consignor: 'tx-b' });
    assert.deepEqual(merged?.categories, ['goods', 'parties']);
  });
});
