/**
 * Is this document exactly the declaration on the ledger? Canonicalise and
 * hash it, compare with the record's declarationHash, and say where and when
 * it was committed, by which authority, and who signed it. With the salts,
 * name the fields that differ by comparing salted leaf hashes.
 */
import {
  DECLARATION_FIELDS,
  declarationHashOf,
  fieldHashes,
  parseDeclaration,
  verifyDeclarationSignature,
  type DeclarationField,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import type { RecordSource } from './record-source';

export interface DocumentVerification {
  match: boolean;
  ucr: string;
  /** hash of the document given */
  declarationHash: string;
  /** hash on the ledger, or null when no record has this UCR */
  recordedDeclarationHash: string | null;
  /** the lodging transaction; the same names as POST /api/v1/verify answers */
  transactionId: string | null;
  blockNumber: number | null;
  committedAt: string | null;
  originator: string | null;
  /** the trader who signed the record, its signature, and whether that signature is valid on this channel */
  trader: { address: string; signature: string; signatureValid: boolean } | null;
  /** with salts: the fields whose salted hash differs from the ledger's */
  mismatchedFields?: DeclarationField[];
}

export async function verifyDocument(
  document: unknown,
  source: RecordSource,
  options: { channelId: string; salts?: Salts },
): Promise<DocumentVerification> {
  const declaration = parseDeclaration(document);
  // Each ledger query is answered by the peer while this process hashes and checks signatures; it is
  // awaited below, and marked handled now so that a throw in between leaves no unhandled rejection.
  const declarationHash = declarationHashOf(declaration);
  const sent = options.salts ? fieldHashes(declaration, options.salts) : undefined;
  const recordQuery = source.getRecord(declaration.ucr, { declarationHash, ...(sent ? { fieldHashes: sent } : {}) });
  recordQuery.catch(() => undefined);
  const record = await recordQuery;
  if (!record) {
    return { match: false, ucr: declaration.ucr, declarationHash, recordedDeclarationHash: null, transactionId: null, blockNumber: null, committedAt: null, originator: null, trader: null };
  }
  const statusQuery = source.transactionStatus(record.lodgeTxId);
  statusQuery.catch(() => undefined);
  const trader =
    record.trader !== null && record.traderSignature !== null
      ? {
          address: record.trader,
          signature: record.traderSignature,
          signatureValid: verifyDeclarationSignature(
            options.channelId,
            { ucr: record.ucr, declarationHash: record.declarationHash, fieldRoot: record.fieldRoot, authority: record.originator, version: record.declarationVersion },
            record.trader,
            record.traderSignature,
          ),
        }
      : null;
  const status = await statusQuery;
  const result: DocumentVerification = {
    match: record.declarationHash === declarationHash,
    ucr: record.ucr,
    declarationHash,
    recordedDeclarationHash: record.declarationHash,
    transactionId: record.lodgeTxId,
    blockNumber: status?.blockNumber ?? null,
    committedAt: record.lodgedAt,
    originator: record.originator,
    trader,
  };
  if (sent) {
    result.mismatchedFields = DECLARATION_FIELDS.filter((f) => sent[f] !== record.fieldHashes[f]);
  }
  return result;
}
