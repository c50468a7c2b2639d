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
import { createCompositeKey, splitCompositeKey } from '../fabric-format/keys';
import { DocumentError, jsonOfBytes, parseAccessRequest, parseAgreement, parseConsignmentRecord, parsePurgeReceipt, parseShareRecord } from './documents';
import { finding, type Finding } from './finding';
import type { ReplayState } from './replay-state';
import { printable } from './transaction-validation';

/** Index object types, each with the document type its entries name: an entry's attributes after the first are the document's. */
const INDEXES: Readonly<Record<string, string>> = {
  'consignment-status': 'consignment',
  'consignment-office': 'consignment',
  'consignment-day': 'consignment',
  'agreement-party': 'agreement',
  'share-agreement': 'share',
  'access-agreement': 'access',
  'purge-agreement': 'purge',
};

/** The index entries the chaincode writes for a document, or undefined for a key it does not index or bytes that are no document. */
function entriesFor(objectType: string, bytes: Uint8Array): string[] | undefined {
  const json = jsonOfBytes(bytes);
  switch (objectType) {
    case 'consignment': {
      const r = parseConsignmentRecord(json);
      return [
        createCompositeKey('consignment-status', [r.status, r.ucr]),
        createCompositeKey('consignment-office', [r.office, r.ucr]),
        createCompositeKey('consignment-day', [r.lodgedAt.slice(0, 10), r.ucr]),
      ];
    }
    case 'agreement': {
      const a = parseAgreement(json);
      return a.parties.map((p) => createCompositeKey('agreement-party', [p, a.id]));
    }
    case 'share': {
      const s = parseShareRecord(json);
      return [createCompositeKey('share-agreement', [s.agreementId, s.ucr, s.shareId])];
    }
    case 'access': {
      const a = parseAccessRequest(json);
      return a.agreementIds.map((id) => createCompositeKey('access-agreement', [id, a.ucr, a.requestId]));
    }
    case 'purge': {
      const p = parsePurgeReceipt(json);
      return p.agreementId === null || p.shareId === null ? [] : [createCompositeKey('purge-agreement', [p.agreementId, p.ucr, p.shareId])];
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
    if (INDEXES[objectType]) {
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
    const target = createCompositeKey(INDEXES[objectType]!, attributes.slice(1));
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
