/**
 * ConsignmentContract: hashed consignment records whose private fields live
 * in implicit collections, their status, and every share, purpose-bound
 * access request and purge of their private data, each left on the public
 * ledger as a fact an auditor can list without seeing the data.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CodedContract } from './coded-contract';
import { z } from 'zod';
import {
  LedgerRuleError,
  RECORD_STATUSES,
  addDays,
  canonicalBytes,
  canonicalJson,
  categorySchema,
  fieldsOfCategories,
  hashCanonical,
  locodeSchema,
  mspIdSchema,
  parsePrivateDeclaration,
  parseSalts,
  parseWith,
  purposeSchema,
  ucrSchema,
  type AccessRequest,
  type ConsignmentRecord,
  type Declaration,
  type RecordView,
  type ShareRecord,
  type SharedCopy,
  type StoredDeclaration,
  lodgementSchema,
  checkLodgement,
  checkStoredPart,
  isSameLodgement,
  lodgedRecord,
  requireOriginator,
  withStatus,
  requireNewRecipient,
  shareableCategories,
  requireOnwardRight,
  checkSharedPayload,
  ownDeclarationPurge,
  sharedCopyPurge,
  OWN_RECORD_PURGE,
  implicitCollection,
} from '../domain';
import { loadAgreement, type AgreementView } from './agreements';
import {
  ACCESS,
  ACCESS_BY_AGREEMENT,
  BY_DAY,
  BY_OFFICE,
  BY_STATUS,
  CONSIGNMENT,
  PURGE,
  PURGE_BY_AGREEMENT,
  SHARE,
  SHARED,
  SHARE_BY_AGREEMENT,
  DECLARATION,
  allShares,
  asAccess,
  asPurge,
  asRecord,
  asShare,
  heldShares,
  indexKeys,
  loadRecord,
  privateView,
} from './consignment-state';
import { allOf } from './policy';
import {
  INDEX_VALUE,
  collect,
  SkippedDocuments,
  emit,
  jsonArg,
  key,
  peerMsp,
  readState,
  requireRole,
  transientJson,
  txTime,
  writeState,
} from './support';

const reasonSchema = z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
const lodgedPrivateSchema = z.strictObject({ fields: z.unknown(), salts: z.unknown() });
const sharedPayloadSchema = z.strictObject({
  fields: z.record(z.string(), z.unknown()),
  salts: z.record(z.string(), z.string()),
});
const listQuerySchema = z.strictObject({
  by: z.enum(['day', 'office', 'status']),
  value: z.string(),
  pageSize: z.number().int().min(1).max(200).default(50),
  bookmark: z.string().max(1024).default(''),
});
const dayValue = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a day YYYY-MM-DD');
const statusValue = z.enum(RECORD_STATUSES);
const shareIdSchema = z.string().regex(/^[0-9a-zA-Z_-]{1,128}$/, 'must be a transaction id');

@Info({ title: 'ConsignmentContract', description: 'Hashed consignment records with private fields and their sharing' })
export class ConsignmentContract extends CodedContract {
  constructor() {
    super('consignment');
  }

  /**
   * The first of a lodgement's two transactions: stores the private part in
   * the caller's own implicit collection, after checking it against the
   * commitments the public record will carry. It touches nothing else, so
   * Fabric validates it against the caller's own endorsement policy alone,
   * and no other authority's peer ever receives the private part. Arguments
   * as Lodge's; transient "declaration": {fields: private part, salts: one
   * per field}. Storing the same declaration again is harmless.
   */
  @Transaction()
  @Returns('string')
  public async StoreDeclaration(ctx: Context, lodgementJson: string): Promise<string> {
    const caller = requireRole(ctx, 'officer');
    const lodgement = parseWith(lodgementSchema, jsonArg(lodgementJson, 'lodgement'), 'lodgement');
    const lodged = parseWith(lodgedPrivateSchema, transientJson(ctx, 'declaration'), 'transient.declaration');
    const fields = parsePrivateDeclaration(lodged.fields, 'transient.declaration.fields');
    const salts = parseSalts(lodged.salts, 'transient.declaration.salts');
    const declaration: Declaration = {
      ucr: lodgement.ucr,
      type: lodgement.type,
      office: lodgement.office,
      destinationCountry: lodgement.destinationCountry,
      ...fields,
    };
    const commitment = checkStoredPart(lodgement, declaration, salts);
    const existing = await readState(ctx, key(ctx, CONSIGNMENT, lodgement.ucr), asRecord);
    if (existing && isSameLodgement(existing, commitment.declarationHash, caller.msp) && existing.privatePurgedAt !== null) {
      throw new LedgerRuleError('ALREADY_PURGED', `the declaration of ${existing.ucr} was purged and is not stored again`, { ucr: existing.ucr });
    }
    const stored: StoredDeclaration = { ucr: lodgement.ucr, fields, salts };
    await ctx.stub.putPrivateData(implicitCollection(caller.msp), key(ctx, DECLARATION, lodgement.ucr), canonicalBytes(stored));
    return canonicalJson({ ucr: lodgement.ucr, declarationHash: commitment.declarationHash, collection: implicitCollection(caller.msp) });
  }

  /**
   * The second of a lodgement's two transactions: the public record, in the
   * caller's name, with the commitments and the trader's signature. It needs
   * the endorsement of more than one authority (the channel's chaincode
   * policy), each of which checks everything here from public data alone,
   * and it binds itself to the private part through that part's hash in the
   * originator's implicit collection, which every peer holds. Argument: the
   * public part with declarationHash, fieldRoot, fieldHashes and the
   * trader's address and EIP-712 signature (or nulls).
   */
  @Transaction()
  @Returns('string')
  public async Lodge(ctx: Context, lodgementJson: string): Promise<string> {
    const caller = requireRole(ctx, 'officer');
    const lodgement = parseWith(lodgementSchema, jsonArg(lodgementJson, 'lodgement'), 'lodgement');
    checkLodgement(lodgement, ctx.stub.getChannelID(), caller.msp);
    const recordKey = key(ctx, CONSIGNMENT, lodgement.ucr);
    const existing = await readState(ctx, recordKey, asRecord);
    if (existing && isSameLodgement(existing, lodgement.declarationHash, caller.msp)) {
      return canonicalJson(existing);
    }
    const privateHash = await ctx.stub.getPrivateDataHash(implicitCollection(caller.msp), key(ctx, DECLARATION, lodgement.ucr));
    if (privateHash.length === 0) {
      throw new LedgerRuleError('DECLARATION_NOT_STORED', `the private part of ${lodgement.ucr} is not in the collection of ${caller.msp}: store it first (StoreDeclaration)`, {
        ucr: lodgement.ucr,
        collection: implicitCollection(caller.msp),
      });
    }
    const now = txTime(ctx);
    const record = lodgedRecord(lodgement, caller.msp, now, ctx.stub.getTxID());
    const owner = allOf([caller.msp]);
    await writeState(ctx, recordKey, record);
    await ctx.stub.setStateValidationParameter(recordKey, owner);
    for (const indexKey of indexKeys(ctx, record)) {
      await ctx.stub.putState(indexKey, INDEX_VALUE);
      await ctx.stub.setStateValidationParameter(indexKey, owner);
    }
    emit(ctx, 'ConsignmentLodged', {
      ucr: record.ucr,
      originator: record.originator,
      office: record.office,
      type: record.type,
      declarationHash: record.declarationHash,
      fieldRoot: record.fieldRoot,
      trader: record.trader,
      at: now,
    });
    return canonicalJson(record);
  }

  /** The public record, plus the private fields the caller's organisation holds (officers and admins only). */
  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, ucr: string): Promise<string> {
    const caller = requireRole(ctx, 'officer', 'admin', 'auditor');
    const record = await loadRecord(ctx, ucr);
    const view: RecordView = { record, private: null };
    // Auditors see facts, never data; and a peer only ever holds its own organisation's collection.
    if (caller.role !== 'auditor' && peerMsp(ctx) === caller.msp) {
      view.private = await privateView(ctx, caller, record);
    }
    return canonicalJson(view);
  }

  @Transaction()
  @Returns('string')
  public async UpdateStatus(ctx: Context, ucr: string, status: string, reason: string): Promise<string> {
    const caller = requireRole(ctx, 'officer');
    const next = parseWith(statusValue, status, 'status');
    const why = parseWith(reasonSchema, reason, 'reason');
    const record = await loadRecord(ctx, ucr);
    requireOriginator(record, caller.msp);
    const now = txTime(ctx);
    const updated = withStatus(record, next, why, caller.msp, now, ctx.stub.getTxID());
    await writeState(ctx, key(ctx, CONSIGNMENT, record.ucr), updated);
    await ctx.stub.deleteState(key(ctx, BY_STATUS, record.status, record.ucr));
    const statusKey = key(ctx, BY_STATUS, next, record.ucr);
    await ctx.stub.putState(statusKey, INDEX_VALUE);
    await ctx.stub.setStateValidationParameter(statusKey, allOf([record.originator]));
    emit(ctx, 'StatusUpdated', { ucr: record.ucr, from: record.status, to: next, reason: why, by: caller.msp, at: now });
    return canonicalJson(updated);
  }

  /**
   * Shares the fields of the agreement's categories (or of `categoriesJson`,
   * a JSON array within them; "" for all) with `recipient`. Endorsed by the
   * sharer's peer and the recipient's peer; transient "shared": {fields,
   * salts} carries exactly those fields, each checked against the record's
   * salted field hash, so only what was lodged can be received.
   */
  @Transaction()
  @Returns('string')
  public async Share(
    ctx: Context,
    ucr: string,
    recipient: string,
    agreementId: string,
    purpose: string,
    categoriesJson: string,
  ): Promise<string> {
    const caller = requireRole(ctx, 'officer');
    const to = parseWith(mspIdSchema, recipient, 'recipient');
    const why = parseWith(purposeSchema, purpose, 'purpose');
    const requested =
      categoriesJson === ''
        ? null
        : parseWith(z.array(categorySchema).min(1, 'must name at least one category'), jsonArg(categoriesJson, 'categories'), 'categories');
    const record = await loadRecord(ctx, ucr);
    requireNewRecipient(record, caller.msp, to);
    const now = txTime(ctx);
    const agreement = await loadAgreement(ctx, agreementId, now);
    const categories = shareableCategories(agreement, caller.msp, to, why, requested);
    const onward = caller.msp !== record.originator;
    if (onward) {
      const held = [];
      for (const share of await heldShares(ctx, record.ucr, caller.msp)) {
        held.push({ categories: share.categories, onwardSharing: (await loadAgreement(ctx, share.agreementId, now)).onwardSharing });
      }
      requireOnwardRight(record, caller.msp, held, categories);
    }
    const fields = fieldsOfCategories(categories);
    const payload = checkSharedPayload(record, fields, parseWith(sharedPayloadSchema, transientJson(ctx, 'shared'), 'transient.shared'));
    const shareId = ctx.stub.getTxID();
    const share: ShareRecord = {
      docType: 'share',
      shareId,
      ucr: record.ucr,
      from: caller.msp,
      to,
      agreementId: agreement.id,
      purpose: why,
      categories,
      fields,
      payloadHash: hashCanonical({ ucr: record.ucr, fields: payload.fields, salts: payload.salts }),
      sharedAt: now,
      retainUntil: addDays(now, agreement.retentionDays),
      onward,
    };
    const shareKey = key(ctx, SHARE, record.ucr, shareId);
    await writeState(ctx, shareKey, share);
    await ctx.stub.setStateValidationParameter(shareKey, allOf([caller.msp, to]));
    await ctx.stub.putState(key(ctx, SHARE_BY_AGREEMENT, agreement.id, record.ucr, shareId), INDEX_VALUE);
    const copy: SharedCopy = {
      ucr: record.ucr,
      shareId,
      from: caller.msp,
      agreementId: agreement.id,
      purpose: why,
      categories,
      fields: payload.fields,
      salts: payload.salts,
      sharedAt: now,
    };
    await ctx.stub.putPrivateData(implicitCollection(to), key(ctx, SHARED, record.ucr, shareId), canonicalBytes(copy));
    const { docType: _docType, ...facts } = share;
    emit(ctx, 'ConsignmentShared', facts);
    return canonicalJson(share);
  }

  /** Records a purpose-bound request to read the shared copies of a record the caller holds. */
  @Transaction()
  @Returns('string')
  public async RequestAccess(ctx: Context, ucr: string, purpose: string): Promise<string> {
    const caller = requireRole(ctx, 'officer');
    const why = parseWith(purposeSchema, purpose, 'purpose');
    const record = await loadRecord(ctx, ucr);
    const now = txTime(ctx);
    let grants: { share: ShareRecord; agreement: AgreementView }[] = [];
    if (caller.msp !== record.originator) {
      const held = await heldShares(ctx, record.ucr, caller.msp);
      if (held.length === 0) {
        throw new LedgerRuleError('NO_SHARED_COPY', `${caller.msp} holds no shared copy of ${record.ucr}`, { ucr: record.ucr });
      }
      const withAgreements = await Promise.all(
        held.map(async (share) => ({ share, agreement: await loadAgreement(ctx, share.agreementId, now) })),
      );
      const active = withAgreements.filter((g) => g.agreement.status === 'active');
      if (active.length === 0) {
        throw new LedgerRuleError('AGREEMENT_NOT_ACTIVE', `no agreement under which ${record.ucr} was shared is active`, {
          ucr: record.ucr,
          status: withAgreements[0]!.agreement.status,
        });
      }
      grants = active.filter((g) => g.agreement.purposes.includes(why));
      if (grants.length === 0) {
        throw new LedgerRuleError('PURPOSE_NOT_ALLOWED', `no active agreement allows ${why} for ${record.ucr}`, {
          ucr: record.ucr,
          purpose: why,
        });
      }
    }
    const requestId = ctx.stub.getTxID();
    const request: AccessRequest = {
      docType: 'access',
      requestId,
      ucr: record.ucr,
      by: caller.msp,
      purpose: why,
      agreementIds: [...new Set(grants.map((g) => g.agreement.id))].sort(),
      shareIds: grants.map((g) => g.share.shareId).sort(),
      at: now,
    };
    const accessKey = key(ctx, ACCESS, record.ucr, requestId);
    await writeState(ctx, accessKey, request);
    await ctx.stub.setStateValidationParameter(accessKey, allOf([caller.msp]));
    for (const agreementId of request.agreementIds) {
      await ctx.stub.putState(key(ctx, ACCESS_BY_AGREEMENT, agreementId, record.ucr, requestId), INDEX_VALUE);
    }
    const { docType: _docType, ...facts } = request;
    emit(ctx, 'AccessRequested', facts);
    return canonicalJson(request);
  }

  /** The public history of a record: every committed version with its transaction and time, newest first (as the peer gives it). */
  @Transaction(false)
  @Returns('string')
  public async History(ctx: Context, ucr: string): Promise<string> {
    requireRole(ctx, 'officer', 'admin', 'auditor');
    const id = parseWith(ucrSchema, ucr, 'ucr');
    const recordKey = key(ctx, CONSIGNMENT, id);
    const iterator = await ctx.stub.getHistoryForKey(recordKey);
    const entries: { txId: string; timestamp: string; isDelete: boolean; record: ConsignmentRecord | null }[] = [];
    const skipped = new SkippedDocuments();
    try {
      for (let r = await iterator.next(); !r.done && r.value; r = await iterator.next()) {
        const m = r.value;
        const seconds = Number(m.timestamp.seconds);
        const timestamp = new Date(seconds * 1000 + Math.floor(m.timestamp.nanos / 1e6)).toISOString();
        const record = m.isDelete ? null : await skipped.take(() => asRecord(m.value, recordKey));
        if (record !== undefined) {
          entries.push({ txId: m.txId, timestamp, isDelete: m.isDelete, record });
        } else {
          // The version is left out; the reason says which transaction wrote it.
          const last = skipped.entries.at(-1);
          if (last) {
            last.reason = `${last.reason} (the version written by transaction ${m.txId})`;
          }
        }
      }
    } finally {
      await iterator.close();
    }
    if (entries.length === 0 && skipped.entries.length === 0) {
      throw new LedgerRuleError('RECORD_NOT_FOUND', `no consignment ${id} was ever lodged`, { ucr: id });
    }
    return canonicalJson({ entries, skipped: skipped.entries });
  }

  /** A page of records by status, office or day: {"by": "status", "value": "held", "pageSize": 50, "bookmark": ""}. */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, queryJson: string): Promise<string> {
    requireRole(ctx, 'officer', 'admin', 'auditor');
    const query = parseWith(listQuerySchema, jsonArg(queryJson, 'query'), 'query');
    const valueSchema = { status: statusValue, office: locodeSchema, day: dayValue }[query.by];
    parseWith(valueSchema, query.value, 'query.value');
    const index = { status: BY_STATUS, office: BY_OFFICE, day: BY_DAY }[query.by];
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
      index,
      [query.value],
      query.pageSize,
      query.bookmark,
    );
    const keys = await collect(iterator);
    const records: ConsignmentRecord[] = [];
    const skipped = new SkippedDocuments();
    for (const kv of keys) {
      const ucr = ctx.stub.splitCompositeKey(kv.key).attributes[1];
      const record = ucr === undefined ? undefined : await skipped.take(() => readState(ctx, key(ctx, CONSIGNMENT, ucr), asRecord));
      if (record) {
        records.push(record);
      }
    }
    return canonicalJson({ records, bookmark: metadata.bookmark, count: records.length, skipped: skipped.entries });
  }

  /** Every share of a record with its purge receipt, if any: public facts only. */
  @Transaction(false)
  @Returns('string')
  public async Shares(ctx: Context, ucr: string): Promise<string> {
    requireRole(ctx, 'officer', 'admin', 'auditor');
    const record = await loadRecord(ctx, ucr);
    const skipped = new SkippedDocuments();
    const shares = [];
    for (const share of await allShares(ctx, record.ucr, skipped)) {
      const purge = await skipped.take(() => readState(ctx, key(ctx, PURGE, record.ucr, share.shareId), asPurge));
      shares.push({ ...share, purge: purge ?? null });
    }
    return canonicalJson({ shares, skipped: skipped.entries });
  }

  /** Shares, access requests and purges under one agreement, for its parties and auditors. */
  @Transaction(false)
  @Returns('string')
  public async AgreementActivity(ctx: Context, agreementId: string): Promise<string> {
    requireRole(ctx, 'officer', 'admin', 'auditor');
    const skipped = new SkippedDocuments();
    const agreement = await loadAgreement(ctx, agreementId, txTime(ctx), skipped);
    const listed = async <T>(index: string, type: string, read: (bytes: Uint8Array, stateKey: string) => T): Promise<T[]> => {
      const out: T[] = [];
      for (const kv of await collect(await ctx.stub.getStateByPartialCompositeKey(index, [agreement.id]))) {
        const [, ucr, id] = ctx.stub.splitCompositeKey(kv.key).attributes;
        const doc = await skipped.take(() => readState(ctx, key(ctx, type, ucr ?? '', id ?? ''), read));
        if (doc) {
          out.push(doc);
        }
      }
      return out;
    };
    const shares = await listed(SHARE_BY_AGREEMENT, SHARE, asShare);
    const accesses = await listed(ACCESS_BY_AGREEMENT, ACCESS, asAccess);
    const purges = await listed(PURGE_BY_AGREEMENT, PURGE, asPurge);
    return canonicalJson({ agreement, shares, accesses, purges, skipped: skipped.entries });
  }

  /**
   * Purges the caller's shared copy of one share once the agreement's
   * retention has run out or the agreement was terminated, and leaves a
   * purge receipt on the public ledger.
   */
  @Transaction()
  @Returns('string')
  public async Purge(ctx: Context, ucr: string, shareId: string): Promise<string> {
    const caller = requireRole(ctx, 'officer');
    const id = parseWith(ucrSchema, ucr, 'ucr');
    const sid = parseWith(shareIdSchema, shareId, 'shareId');
    const share = await readState(ctx, key(ctx, SHARE, id, sid), asShare);
    if (!share) {
      throw new LedgerRuleError('SHARE_NOT_FOUND', `no share ${sid} of ${id}`, { ucr: id, shareId: sid });
    }
    const purgeKey = key(ctx, PURGE, id, sid);
    const alreadyPurged = (await ctx.stub.getState(purgeKey)).length > 0;
    const now = txTime(ctx);
    const agreement = await loadAgreement(ctx, share.agreementId, now);
    const receipt = sharedCopyPurge(share, agreement, caller.msp, alreadyPurged, now, ctx.stub.getTxID());
    await ctx.stub.purgePrivateData(implicitCollection(caller.msp), key(ctx, SHARED, id, sid));
    await writeState(ctx, purgeKey, receipt);
    await ctx.stub.setStateValidationParameter(purgeKey, allOf([caller.msp]));
    await ctx.stub.putState(key(ctx, PURGE_BY_AGREEMENT, share.agreementId, id, sid), INDEX_VALUE);
    const { docType: _docType, ...facts } = receipt;
    emit(ctx, 'SharedCopyPurged', facts);
    return canonicalJson(receipt);
  }

  /** Purges the originator's own private declaration, never before the customs retention minimum. */
  @Transaction()
  @Returns('string')
  public async PurgeRecord(ctx: Context, ucr: string): Promise<string> {
    const caller = requireRole(ctx, 'officer');
    const record = await loadRecord(ctx, ucr);
    requireOriginator(record, caller.msp);
    const purged = ownDeclarationPurge(record, txTime(ctx), ctx.stub.getTxID());
    await ctx.stub.purgePrivateData(implicitCollection(caller.msp), key(ctx, DECLARATION, record.ucr));
    await writeState(ctx, key(ctx, CONSIGNMENT, record.ucr), purged.record);
    const receipt = purged.receipt;
    const purgeKey = key(ctx, PURGE, record.ucr, OWN_RECORD_PURGE);
    await writeState(ctx, purgeKey, receipt);
    await ctx.stub.setStateValidationParameter(purgeKey, allOf([caller.msp]));
    const { docType: _docType, ...facts } = receipt;
    emit(ctx, 'RecordPurged', facts);
    return canonicalJson(receipt);
  }
}
