/**
 * The decisions of purging private data, as pure functions of what the
 * contract read: a recipient's shared copy once its agreement ended or its
 * retention elapsed, an originator's own declaration once the customs
 * retention minimum has passed. Each returns the receipt to write, or
 * throws the coded refusal.
 */
import type { AgreementView } from './documents';
import { LedgerRuleError } from './errors';
import { CUSTOMS_RETENTION_YEARS, addYears, type ConsignmentRecord, type PurgeReceipt, type ShareRecord } from './record';

/** The receipt of `holder` purging its copy of `share` at `now`. */
export function sharedCopyPurge(share: ShareRecord, agreement: AgreementView, holder: string, alreadyPurged: boolean, now: string, txId: string): PurgeReceipt {
  if (share.to !== holder) {
    throw new LedgerRuleError('WRONG_ORGANIZATION', `only the holder ${share.to} purges its copy`, { holder: share.to });
  }
  if (alreadyPurged) {
    throw new LedgerRuleError('ALREADY_PURGED', `the copy of share ${share.shareId} was already purged`, { ucr: share.ucr, shareId: share.shareId });
  }
  const reason = agreement.status === 'terminated' ? 'agreement-terminated' : now >= share.retainUntil ? 'retention-elapsed' : null;
  if (reason === null) {
    throw new LedgerRuleError('RETENTION_NOT_REACHED', `the copy must be kept until ${share.retainUntil}`, { retainUntil: share.retainUntil });
  }
  return { docType: 'purge', ucr: share.ucr, shareId: share.shareId, agreementId: share.agreementId, holder, reason, purgedAt: now, txId };
}

/** The receipt of the originator purging its own declaration at `now`, and the record that says so. */
export function ownDeclarationPurge(record: ConsignmentRecord, now: string, txId: string): { receipt: PurgeReceipt; record: ConsignmentRecord } {
  if (record.privatePurgedAt !== null) {
    throw new LedgerRuleError('ALREADY_PURGED', `the declaration of ${record.ucr} was already purged`, { ucr: record.ucr });
  }
  const earliest = addYears(record.lodgedAt, CUSTOMS_RETENTION_YEARS);
  if (now < earliest) {
    throw new LedgerRuleError('RETENTION_NOT_REACHED', `a declaration is kept at least until ${earliest}`, { retainUntil: earliest });
  }
  return {
    receipt: {
      docType: 'purge',
      ucr: record.ucr,
      shareId: null,
      agreementId: null,
      holder: record.originator,
      reason: 'customs-retention-elapsed',
      purgedAt: now,
      txId,
    },
    record: { ...record, privatePurgedAt: now, updatedAt: now },
  };
}
