/** Fixtures of the domain's decision tests: an agreement in force between the three members, and an assertion on a coded refusal. */
import { strict as assert } from 'node:assert';
import { LedgerRuleError, type AgreementView, type ErrorCode } from 'customs-ledger-chaincode/domain';
import { BE, DE, NL } from './identities';

/** Active between BE, DE and NL for goods, parties and transport, for risk assessment, 30 days' retention, no onward sharing. */
export const activeAgreement: AgreementView = {
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

/** Asserts that `run` throws the domain's refusal with `code`. */
export function refusedWith(code: ErrorCode, run: () => unknown): void {
  assert.throws(run, (err: unknown) => err instanceof LedgerRuleError && err.code === code, `expected ${code}`);
}
