/**
 * The decisions of sharing a record's private fields under an agreement, as
 * pure functions of the record and the agreement the contract read: which
 * categories go to whom, or the coded refusal.
 */
import type { Agreement, Purpose } from './agreement';
import type { DataCategory, PrivateDeclaration, PrivateField, Salts } from './declaration';
import type { AgreementView } from './documents';
import { LedgerRuleError } from './errors';
import { leafHash } from './merkle';
import type { ConsignmentRecord, RecordView, SharedCopy } from './record';

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

/** A share the caller holds, with whether the agreement it came under allows passing it on. */
export interface HeldShare {
  categories: readonly DataCategory[];
  onwardSharing: boolean;
}

/**
 * A holder may pass data on only in categories it received under an
 * agreement that allows onward sharing. Decided from public share records,
 * so the recipient's peer reaches the same answer without the holder's data.
 */
export function requireOnwardRight(record: ConsignmentRecord, holder: string, held: readonly HeldShare[], categories: readonly DataCategory[]): void {
  if (held.length === 0) {
    throw new LedgerRuleError('NO_SHARED_COPY', `${holder} neither lodged nor holds ${record.ucr}`, { ucr: record.ucr });
  }
  const passable = new Set(held.filter((h) => h.onwardSharing).flatMap((h) => h.categories));
  const refused = categories.filter((c) => !passable.has(c));
  if (refused.length > 0) {
    throw new LedgerRuleError('ONWARD_SHARING_NOT_ALLOWED', `${holder} may not pass on ${refused.join(', ')} of ${record.ucr}`, {
      ucr: record.ucr,
      categories: refused,
    });
  }
}

/** What a sharer sends beside a share: the values and salts of the shared fields. */
export interface SharedPayload {
  fields: Record<string, unknown>;
  salts: Record<string, string>;
}

/** The shared payload, refused unless it is exactly `fields`, each matching the hash the record committed to. */
export function checkSharedPayload(
  record: ConsignmentRecord,
  fields: readonly PrivateField[],
  payload: SharedPayload,
): { fields: Partial<PrivateDeclaration>; salts: Partial<Salts> } {
  const outside = Object.keys(payload.fields)
    .filter((f) => !(fields as readonly string[]).includes(f))
    .sort();
  if (outside.length > 0) {
    throw new LedgerRuleError('CATEGORY_NOT_COVERED', `fields outside the shared categories: ${outside.join(', ')}`, {
      field: 'transient.shared.fields',
      fields: outside,
    });
  }
  const out: SharedPayload = { fields: {}, salts: {} };
  for (const field of fields) {
    const value = payload.fields[field];
    const salt = payload.salts[field];
    if (value === undefined || salt === undefined || leafHash(field, salt, value) !== record.fieldHashes[field]) {
      throw new LedgerRuleError('SHARED_FIELD_MISMATCH', `shared field ${field} does not match the lodged declaration`, {
        field: `transient.shared.fields.${field}`,
      });
    }
    out.fields[field] = value;
    out.salts[field] = salt;
  }
  return out as { fields: Partial<PrivateDeclaration>; salts: Partial<Salts> };
}

/** What a recipient sees of a record: its shared copies merged in the order they were shared, or null when it holds none. */
export function mergedCopies(copies: readonly SharedCopy[]): RecordView['private'] {
  if (copies.length === 0) {
    return null;
  }
  const ordered = [...copies].sort((a, b) => (a.sharedAt < b.sharedAt ? -1 : a.sharedAt > b.sharedAt ? 1 : a.shareId < b.shareId ? -1 : 1));
  const fields: Record<string, unknown> = {};
  const salts: Record<string, string> = {};
  const categories = new Set<DataCategory>();
  for (const copy of ordered) {
    Object.assign(fields, copy.fields);
    Object.assign(salts, copy.salts);
    copy.categories.forEach((c) => categories.add(c));
  }
  return {
    fields: fields as Partial<PrivateDeclaration>,
    salts: salts as Partial<Salts>,
    categories: [...categories].sort(),
    sources: ordered.map((c) => c.shareId),
  };
}
