/**
 * The decisions of lodging a declaration and moving its record on, as pure
 * functions of what the contract read: each returns what is to be written,
 * or throws the coded refusal. The contract parses its arguments, reads
 * state, calls these, and writes.
 */
import { LedgerRuleError } from './errors';
import { DECLARATION_FIELDS, type Declaration, type Salts } from './declaration';
import type { Lodgement } from './documents';
import { commitDeclaration, type DeclarationCommitment } from './hashing';
import { fieldRootOf } from './merkle';
import { canTransition, type ConsignmentRecord, type RecordStatus } from './record';
import { verifyDeclarationSignature } from './signature';

/** The version of a declaration a first lodgement carries (and a trader signs). */
export const FIRST_VERSION = 1;

/** The commitments of the private part to be stored, which must be the lodgement's. */
export function checkStoredPart(lodgement: Lodgement, declaration: Declaration, salts: Salts): DeclarationCommitment {
  const commitment = commitDeclaration(declaration, salts);
  if (commitment.declarationHash !== lodgement.declarationHash) {
    throw new LedgerRuleError('HASH_MISMATCH', 'declarationHash is not the hash of the lodged declaration', {
      field: 'lodgement.declarationHash',
      expected: commitment.declarationHash,
    });
  }
  if (commitment.fieldRoot !== lodgement.fieldRoot) {
    throw new LedgerRuleError('FIELD_ROOT_MISMATCH', 'fieldRoot is not the root of the salted field hashes', {
      field: 'lodgement.fieldRoot',
      expected: commitment.fieldRoot,
    });
  }
  const mismatched = DECLARATION_FIELDS.find((f) => commitment.fieldHashes[f] !== lodgement.fieldHashes[f]);
  if (mismatched !== undefined) {
    throw new LedgerRuleError('FIELD_ROOT_MISMATCH', `fieldHashes.${mismatched} is not the salted hash of that field`, {
      field: `lodgement.fieldHashes.${mismatched}`,
    });
  }
  return commitment;
}

/** What every endorser checks of a lodgement from public data alone: the field root, and the trader's signature when there is one. */
export function checkLodgement(lodgement: Lodgement, channelId: string, authority: string): void {
  const root = fieldRootOf(lodgement.fieldHashes);
  if (root !== lodgement.fieldRoot) {
    throw new LedgerRuleError('FIELD_ROOT_MISMATCH', 'fieldRoot is not the root of the salted field hashes', {
      field: 'lodgement.fieldRoot',
      expected: root,
    });
  }
  if (lodgement.trader !== null && lodgement.traderSignature !== null) {
    const facts = { ucr: lodgement.ucr, declarationHash: lodgement.declarationHash, fieldRoot: lodgement.fieldRoot, authority, version: FIRST_VERSION };
    if (!verifyDeclarationSignature(channelId, facts, lodgement.trader, lodgement.traderSignature)) {
      throw new LedgerRuleError('BAD_SIGNATURE', "traderSignature is not the trader's signature over this declaration, authority and version", {
        field: 'lodgement.traderSignature',
        trader: lodgement.trader,
      });
    }
  }
}

/**
 * A UCR that holds a record already: the same declaration from the same
 * authority is that record again (true); anything else is a conflict.
 */
export function isSameLodgement(existing: ConsignmentRecord, declarationHash: string, authority: string): true {
  if (existing.declarationHash === declarationHash && existing.originator === authority) {
    return true;
  }
  throw new LedgerRuleError('UCR_CONFLICT', `UCR ${existing.ucr} is already lodged with another declaration`, {
    ucr: existing.ucr,
    originator: existing.originator,
  });
}

/** The record a first lodgement writes. */
export function lodgedRecord(lodgement: Lodgement, originator: string, now: string, txId: string): ConsignmentRecord {
  return {
    docType: 'consignment',
    ucr: lodgement.ucr,
    type: lodgement.type,
    office: lodgement.office,
    destinationCountry: lodgement.destinationCountry,
    originator,
    declarationVersion: FIRST_VERSION,
    declarationHash: lodgement.declarationHash,
    fieldRoot: lodgement.fieldRoot,
    fieldHashes: lodgement.fieldHashes,
    trader: lodgement.trader === null ? null : lodgement.trader.toLowerCase(),
    traderSignature: lodgement.traderSignature === null ? null : lodgement.traderSignature.toLowerCase(),
    status: 'lodged',
    statusHistory: [{ status: 'lodged', at: now, reason: 'lodged', by: originator, txId }],
    lodgedAt: now,
    lodgeTxId: txId,
    updatedAt: now,
    privatePurgedAt: null,
  };
}

/** Only the authority that lodged a record changes it. */
export function requireOriginator(record: ConsignmentRecord, authority: string): void {
  if (record.originator !== authority) {
    throw new LedgerRuleError('WRONG_ORGANIZATION', `only the originator ${record.originator} may do this`, {
      originator: record.originator,
      caller: authority,
    });
  }
}

/** The record in its next status, with the change at the end of its history. */
export function withStatus(record: ConsignmentRecord, next: RecordStatus, reason: string, by: string, now: string, txId: string): ConsignmentRecord {
  if (!canTransition(record.status, next)) {
    throw new LedgerRuleError('INVALID_TRANSITION', `a ${record.status} consignment cannot become ${next}`, { from: record.status, to: next });
  }
  return { ...record, status: next, statusHistory: [...record.statusHistory, { status: next, at: now, reason, by, txId }], updatedAt: now };
}
