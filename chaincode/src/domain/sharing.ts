/**
 * The decisions of sharing a record's private fields under an agreement, as
 * pure functions of the record and the agreement the contract read: which
 * categories go to whom, or the coded refusal.
 */
import type { Agreement, Purpose } from './agreement';
import type { DataCategory } from './declaration';
import type { AgreementView } from './documents';
import { LedgerRuleError } from './errors';
import type { ConsignmentRecord } from './record';

export function requireParty(agreement: Agreement, msp: string): void {
  if (!agreement.parties.includes(msp)) {
    throw new LedgerRuleError('NOT_A_PARTY', `${msp} is not a party to agreement ${agreement.id}`, { agreementId: agreement.id, msp });
  }
}

export function requireActive(agreement: AgreementView): void {
  if (agreement.status !== 'active') {
    throw new LedgerRuleError('AGREEMENT_NOT_ACTIVE', `agreement ${agreement.id} is ${agreement.status}`, {
      agreementId: agreement.id,
      status: agreement.status,
    });
  }
}

export function requirePurpose(agreement: Agreement, purpose: Purpose): void {
  if (!agreement.purposes.includes(purpose)) {
    throw new LedgerRuleError('PURPOSE_NOT_ALLOWED', `agreement ${agreement.id} does not allow ${purpose}`, { agreementId: agreement.id, purpose });
  }
}

/** A recipient that does not hold the record already: neither the sharer nor the originator. */
export function requireNewRecipient(record: ConsignmentRecord, sharer: string, recipient: string): void {
  if (recipient === sharer || recipient === record.originator) {
    throw new LedgerRuleError('INVALID_ARGUMENT', `recipient ${recipient} already holds this record`, { field: 'recipient' });
  }
}

/**
 * What a share under `agreement` may carry from `sharer` to `recipient` for
 * `purpose`: the requested categories (all of the agreement's when none are
 * named), sorted, once each, every one covered by the agreement.
 */
export function shareableCategories(
  agreement: AgreementView,
  sharer: string,
  recipient: string,
  purpose: Purpose,
  requested: readonly DataCategory[] | null,
): DataCategory[] {
  requireActive(agreement);
  requireParty(agreement, sharer);
  if (!agreement.parties.includes(recipient)) {
    throw new LedgerRuleError('RECIPIENT_NOT_PARTY', `${recipient} is not a party to agreement ${agreement.id}`, { agreementId: agreement.id, recipient });
  }
  requirePurpose(agreement, purpose);
  const categories = [...new Set(requested ?? agreement.categories)].sort();
  const uncovered = categories.filter((c) => !agreement.categories.includes(c));
  if (uncovered.length > 0) {
    throw new LedgerRuleError('CATEGORY_NOT_COVERED', `agreement ${agreement.id} does not cover ${uncovered.join(', ')}`, {
      agreementId: agreement.id,
      categories: uncovered,
    });
  }
  return categories;
}
