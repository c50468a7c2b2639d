/**
 * The listings' index keys against the documents they list, on the replayed
 * state: every record, agreement, share, access request and purge receipt
 * has exactly the index entries the chaincode writes for it, and every
 * index entry names a document that is there and says what the entry says.
 * A missing entry hides a document from a listing (a record absent from its
 * office's list, a share absent from its agreement's activity); an orphaned
 * one lists what is not there, or under the wrong status. A document that
 * is not one is reported where it was written (rule `document`); the
 * entries that name it are left alone here.
 */
import { DOCUMENT_KEYS, INDEX_KEYS, type IndexKey } from 'customs-ledger-chaincode/domain';
import { createCompositeKey, splitCompositeKey } from '../fabric-format/keys';
import { DocumentError, jsonOfBytes, parseAccessRequest, parseAgreement, parseConsignmentRecord, parsePurgeReceipt, parseShareRecord } from './documents';
import { finding, type Finding } from './finding';
import type { ReplayState } from './replay-state';
import { printable } from './transaction-validation';


/** The index entries the chaincode writes for a document, or undefined for a key it does not index or bytes that are no document. */
function entriesFor(objectType: string, bytes: Uint8Array): string[] | undefined {
  const json = jsonOfBytes(bytes);
  switch (objectType) {
    case DOCUMENT_KEYS.consignment: {
      const r = parseConsignmentRecord(json);
      return [
        createCompositeKey('consignment-status' satisfies IndexKey, [r.status, r.ucr]),
        createCompositeKey('consignment-office' satisfies IndexKey, [r.office, r.ucr]),
        createCompositeKey('consignment-day' satisfies IndexKey, [r.lodgedAt.slice(0, 10), r.ucr]),
      ];
    }
    case DOCUMENT_KEYS.agreement: {
      const a = parseAgreement(json);
      return a.parties.map((p) => createCompositeKey('agreement-party' satisfies IndexKey, [p, a.id]));
    }
    case DOCUMENT_KEYS.share: {
      const s = parseShareRecord(json);
      return [createCompositeKey('share-agreement' satisfies IndexKey, [s.agreementId, s.ucr, s.shareId])];
    }
    case DOCUMENT_KEYS.access: {
      const a = parseAccessRequest(json);
      return a.agreementIds.map((id) => createCompositeKey('access-agreement' satisfies IndexKey, [id, a.ucr, a.requestId]));
    }
    case DOCUMENT_KEYS.purge: {
      const p = parsePurgeReceipt(json);
      return p.agreementId === null || p.shareId === null ? [] : [createCompositeKey('purge-agreement' satisfies IndexKey, [p.agreementId, p.ucr, p.shareId])];
    }
    default:
      return undefined;
  }
}

const MAX_REPORTED = 50;

export async function checkIndexes(state: ReplayState): Promise<Finding[]> {
  const expected = new Map<string, string>();
  const present: { key: string; objectType: string; attributes: string[] }[] = [];
  const documents = new Set<string>();
  const malformed = new Set<string>();
  for await (const { key, entry } of state.entries()) {
    const { objectType, attributes } = splitCompositeKey(key);
    if (objectType === null) {
      continue;
    }
    if ((INDEX_KEYS as Readonly<Record<string, string>>)[objectType]) {
      present.push({ key, objectType, attributes });
      continue;
    }
    let entries: string[] | undefined;
    try {
      entries = entriesFor(objectType, entry.value);
    } catch (err) {
      if (!(err instanceof DocumentError)) {
        throw err;
      }
      malformed.add(key);
      continue;
    }
    if (entries) {
      documents.add(key);
      for (const e of entries) {
        expected.set(e, key);
      }
    }
  }
  const messages: string[] = [];
  for (const { key, objectType, attributes } of present) {
    if (expected.delete(key)) {
      continue;
    }
    const target = createCompositeKey((INDEX_KEYS as Readonly<Record<string, string>>)[objectType]!, attributes.slice(1));
    if (malformed.has(target)) {
      continue;
    }
    messages.push(
      documents.has(target)
        ? `index entry ${printable(key)} does not match ${printable(target)}, which it lists (orphaned)`
        : `index entry ${printable(key)} names ${printable(target)}, which is not on the ledger (orphaned)`,
    );
  }
  for (const [key, document] of expected) {
    messages.push(`${printable(document)} lacks its index entry ${printable(key)}, so listings leave it out (missing)`);
  }
  const site = { block: null, tx: null, txId: null };
  const out = messages.slice(0, MAX_REPORTED).map((m) => finding(site, 'index-entry', m));
  if (messages.length > MAX_REPORTED) {
    out.push(finding(site, 'index-entry', `and ${messages.length - MAX_REPORTED} more index entries missing or orphaned`));
  }
  return out;
}
