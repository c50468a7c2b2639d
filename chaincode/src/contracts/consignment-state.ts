/**
 * How the consignment contract reads its state: each document through its
 * schema and only under its own key, a record's index keys, its shares, and
 * the private part the caller may see. Reading only; the contract decides
 * (through the domain) and writes.
 */
import type { Context } from 'fabric-contract-api';
import {
  DOCUMENT_KEYS,
  LedgerRuleError,
  OWN_RECORD_PURGE,
  PRIVATE_FIELDS,
  PRIVATE_KEYS,
  accessRequestSchema,
  categoryOf,
  consignmentRecordSchema,
  implicitCollection,
  mergedCopies,
  parseWith,
  purgeReceiptSchema,
  recordInconsistency,
  shareRecordSchema,
  sharedCopySchema,
  storedDeclarationSchema,
  ucrSchema,
  type ConsignmentRecord,
  type IndexKey,
  type RecordView,
  type ShareRecord,
  type SharedCopy,
} from '../domain';
import { SkippedDocuments, collect, documentReader, key, readPrivate, readState, type Caller } from './support';

export const CONSIGNMENT = DOCUMENT_KEYS.consignment;
export const SHARE = DOCUMENT_KEYS.share;
export const ACCESS = DOCUMENT_KEYS.access;
export const PURGE = DOCUMENT_KEYS.purge;
export const DECLARATION = PRIVATE_KEYS.declaration;
export const SHARED = PRIVATE_KEYS.shared;
export const BY_STATUS = 'consignment-status' satisfies IndexKey;
export const BY_OFFICE = 'consignment-office' satisfies IndexKey;
export const BY_DAY = 'consignment-day' satisfies IndexKey;
export const SHARE_BY_AGREEMENT = 'share-agreement' satisfies IndexKey;
export const ACCESS_BY_AGREEMENT = 'access-agreement' satisfies IndexKey;
export const PURGE_BY_AGREEMENT = 'purge-agreement' satisfies IndexKey;

/** Each document is read only under its own key: one that names another is as malformed as garbage. */
const ownKey = (where: string, expected: string, what: string): string | undefined => (where === expected ? undefined : `it names ${what}`);

export const asRecord = documentReader(consignmentRecordSchema, 'consignment record', (r, where) =>
  ownKey(where, `${CONSIGNMENT}/${r.ucr}`, `UCR ${r.ucr}`) ?? recordInconsistency(r),
);
export const asShare = documentReader(shareRecordSchema, 'share record', (s, where) =>
  ownKey(where, `${SHARE}/${s.ucr}/${s.shareId}`, `share ${s.shareId} of ${s.ucr}`),
);
export const asPurge = documentReader(purgeReceiptSchema, 'purge receipt', (p, where) =>
  ownKey(where, `${PURGE}/${p.ucr}/${p.shareId ?? OWN_RECORD_PURGE}`, `the purge of ${p.shareId ?? OWN_RECORD_PURGE} of ${p.ucr}`),
);
export const asAccess = documentReader(accessRequestSchema, 'access request', (a, where) =>
  ownKey(where, `${ACCESS}/${a.ucr}/${a.requestId}`, `access request ${a.requestId} of ${a.ucr}`),
);
export const asStored = documentReader(storedDeclarationSchema, 'private declaration', (d, where) =>
  ownKey(where, `${DECLARATION}/${d.ucr}`, `the declaration of ${d.ucr}`),
);
const asCopy = documentReader(sharedCopySchema, 'shared copy', (c, where) => ownKey(where, `${SHARED}/${c.ucr}/${c.shareId}`, `share ${c.shareId} of ${c.ucr}`));

/** The index entries of a record: by status, by office, by day of lodgement. */
export function indexKeys(ctx: Context, record: ConsignmentRecord): string[] {
  return [
    key(ctx, BY_STATUS, record.status, record.ucr),
    key(ctx, BY_OFFICE, record.office, record.ucr),
    key(ctx, BY_DAY, record.lodgedAt.slice(0, 10), record.ucr),
  ];
}

export async function loadRecord(ctx: Context, ucr: string): Promise<ConsignmentRecord> {
  const id = parseWith(ucrSchema, ucr, 'ucr');
  const record = await readState(ctx, key(ctx, CONSIGNMENT, id), asRecord);
  if (!record) {
    throw new LedgerRuleError('RECORD_NOT_FOUND', `no consignment ${id}`, { ucr: id });
  }
  return record;
}

/** Shares of a record, by share id; one that is not a share record is skipped, so nothing relies on it. */
export async function allShares(ctx: Context, ucr: string, skipped = new SkippedDocuments()): Promise<ShareRecord[]> {
  const shares: ShareRecord[] = [];
  for (const kv of await collect(await ctx.stub.getStateByPartialCompositeKey(SHARE, [ucr]))) {
    const share = await skipped.take(() => asShare(kv.value, kv.key));
    if (share) {
      shares.push(share);
    }
  }
  return shares;
}

/** Shares of a record to `holder` whose copy has not been purged. */
export async function heldShares(ctx: Context, ucr: string, holder: string): Promise<ShareRecord[]> {
  const held: ShareRecord[] = [];
  for (const share of await allShares(ctx, ucr)) {
    if (share.to === holder && (await ctx.stub.getState(key(ctx, PURGE, ucr, share.shareId))).length === 0) {
      held.push(share);
    }
  }
  return held;
}

/** The private part of `record` the caller holds in its own collection: the declaration it lodged, or the copies shared to it. */
export async function privateView(ctx: Context, caller: Caller, record: ConsignmentRecord): Promise<RecordView['private']> {
  const collection = implicitCollection(caller.msp);
  if (record.originator === caller.msp) {
    const stored = await readPrivate(ctx, collection, key(ctx, DECLARATION, record.ucr), asStored);
    if (!stored) {
      return null;
    }
    // Every field's salt, public fields' too: the originator can then prove any field, and give a trader back its salts.
    return { fields: stored.fields, salts: stored.salts, categories: [...new Set(PRIVATE_FIELDS.map(categoryOf))].sort(), sources: ['own'] };
  }
  // A copy in the caller's own collection that is not one is left out: nothing could verify its fields.
  const copies: SharedCopy[] = [];
  const skipped = new SkippedDocuments();
  for (const kv of await collect(await ctx.stub.getPrivateDataByPartialCompositeKey(collection, SHARED, [record.ucr]))) {
    const copy = await skipped.take(() => asCopy(kv.value, kv.key));
    if (copy) {
      copies.push(copy);
    }
  }
  return mergedCopies(copies);
}
