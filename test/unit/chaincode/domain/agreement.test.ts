import { strict as assert } from 'node:assert';
import { LedgerRuleError, agreementStatus, parseAgreementProposal, type Agreement } from 'customs-ledger-chaincode/domain';
import { agreementJson } from '../../../support/scenario';

describe('domain/agreement', () => {
  const proposal = parseAgreementProposal(
    JSON.parse(agreementJson({ id: 'AGR-1', parties: ['NLCustomsMSP', 'BECustomsMSP'], categories: ['valuation', 'goods'] })),
  );
  const agreement: Agreement = {
    ...proposal,
    docType: 'agreement',
    proposer: 'NLCustomsMSP',
    proposedAt: '2025-12-01T00:00:00.000Z',
    proposeTxId: 't',
    suspension: null,
    termination: null,
  };
  const both = ['BECustomsMSP', 'NLCustomsMSP'];

  it('normalises a proposal: sorted parties, categories and purposes, ISO instants', () => {
    assert.deepEqual(proposal.parties, both);
    assert.deepEqual(proposal.categories, ['goods', 'valuation']);
    assert.equal(proposal.validFrom, '2026-01-01T00:00:00.000Z');
  });

  it('derives the status from acceptances, suspension, termination and transaction time', () => {
    assert.equal(agreementStatus(agreement, ['NLCustomsMSP'], '2026-06-01T00:00:00.000Z'), 'proposed');
    assert.equal(agreementStatus(agreement, both, '2025-12-15T00:00:00.000Z'), 'pending');
    assert.equal(agreementStatus(agreement, both, '2026-06-01T00:00:00.000Z'), 'active');
    assert.equal(agreementStatus(agreement, both, '2027-12-31T00:00:00.000Z'), 'expired');
    const stamp = { by: 'BECustomsMSP', at: '2026-05-01T00:00:00.000Z', reason: 'r', txId: 'x' };
    assert.equal(agreementStatus({ ...agreement, suspension: stamp }, both, '2026-06-01T00:00:00.000Z'), 'suspended');
    assert.equal(agreementStatus({ ...agreement, termination: stamp }, both, '2026-06-01T00:00:00.000Z'), 'terminated');
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['one party', { parties: ['NLCustomsMSP'] }, 'agreement.parties'],
    ['a repeated party', { parties: ['NLCustomsMSP', 'NLCustomsMSP'] }, 'agreement.parties'],
    ['an unknown category', { categories: ['health'] }, 'agreement.categories.0'],
    ['no purpose', { purposes: [] }, 'agreement.purposes'],
    ['an unknown purpose', { purposes: ['curiosity'] }, 'agreement.purposes.0'],
    ['validUntil before validFrom', { validUntil: '2025-01-01T00:00:00Z' }, 'agreement.validUntil'],
    ['a local time', { validFrom: '2026-01-01T00:00:00+02:00' }, 'agreement.validFrom'],
    ['zero retention', { retentionDays: 0 }, 'agreement.retentionDays'],
    ['fractional retention', { retentionDays: 1.5 }, 'agreement.retentionDays'],
    ['a lower-case id', { id: 'agr-1' }, 'agreement.id'],
    ['an extra field', { secret: true }, 'agreement'],
  ];
  for (const [name, change, field] of bad) {
    it(`refuses ${name}, naming ${field}`, () => {
      const input = { ...(JSON.parse(agreementJson({ id: 'AGR-1', parties: both })) as Record<string, unknown>), ...change };
      try {
        parseAgreementProposal(input);
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof LedgerRuleError);
        assert.equal(err.code, 'INVALID_ARGUMENT');
        assert.equal(err.details.field, field);
      }
    });
  }
});
