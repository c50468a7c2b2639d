/**
 * Everything that happened under one agreement, from the blocks alone: its
 * parties and status, every share, purpose-bound access request and purge
 * with the block it was committed in, and every shared copy still held past
 * its retention (or after the agreement was terminated).
 */
import { DOCUMENT_KEYS, type IndexKey, agreementStatus, type AgreementStatus, type DataCategory, type Purpose, type SkippedDocument } from 'customs-ledger-chaincode/domain';
import { createCompositeKey, partialKeyRange, splitCompositeKey } from '../fabric-format/keys';
import type { BlockSource } from './block-source';
import { DocumentError, jsonOfBytes, parseAcceptance, parseAccessRequest, parseAgreement, parsePurgeReceipt, parseShareRecord } from './documents';
import { DEFAULT_CHAINCODE, openReplay } from './replay';
import type { ReplayState } from './replay-state';
import { printable } from './transaction-validation';

export interface AgreementReport {
  agreementId: string;
  parties: string[];
  acceptedBy: string[];
  status: AgreementStatus;
  asOf: string;
  validFrom: string;
  validUntil: string;
  retentionDays: number;
  shares: {
    shareId: string;
    block: number | null;
    ucr: string;
    from: string;
    to: string;
    purpose: Purpose;
    categories: DataCategory[];
    sharedAt: string;
    retainUntil: string;
    purgedAt: string | null;
  }[];
  accesses: { requestId: string; block: number | null; ucr: string; by: string; purpose: Purpose; at: string }[];
  purges: { txId: string; block: number | null; ucr: string; shareId: string | null; holder: string; reason: string; purgedAt: string }[];
  /** shares whose copy should have been purged by `asOf` and was not */
  overdue: { shareId: string; ucr: string; holder: string; dueSince: string }[];
  /** documents under the agreement's keys that are not what they should be: left out above, each with why */
  skipped: SkippedDocument[];
  findings: number;
}

type Skipped = SkippedDocument[];

/** The document under `key`, or undefined (and noted in `skipped`) when it is not one or names another key. */
function documentAt<T>(key: string, bytes: Uint8Array, parse: (u: unknown) => T, names: (doc: T) => string, skipped: Skipped): T | undefined {
  try {
    const doc = parse(jsonOfBytes(bytes));
    if (names(doc) !== key) {
      skipped.push({ key: printable(key), reason: `it names ${printable(names(doc))}` });
      return undefined;
    }
    return doc;
  } catch (err) {
    if (!(err instanceof DocumentError)) {
      throw err;
    }
    skipped.push({ key: printable(key), reason: err.message });
    return undefined;
  }
}

async function documents<T extends { ucr: string }>(
  state: ReplayState,
  index: string,
  agreementId: string,
  objectType: string,
  parse: (u: unknown) => T,
  idOf: (doc: T) => string,
  skipped: Skipped,
): Promise<T[]> {
  const { start, end } = partialKeyRange(index, [agreementId]);
  const out: T[] = [];
  for await (const { key } of state.entries({ gte: start, lt: end })) {
    const [, ucr = '', id = ''] = splitCompositeKey(key).attributes;
    const documentKey = createCompositeKey(objectType, [ucr, id]);
    const entry = await state.get(documentKey);
    const doc = entry && documentAt(documentKey, entry.value, parse, (d) => createCompositeKey(objectType, [d.ucr, idOf(d)]), skipped);
    if (doc) {
      out.push(doc);
    }
  }
  return out;
}

export async function agreementReport(
  options: { source: BlockSource; checkpoint?: string; chaincode?: string; asOf?: Date },
  agreementId: string,
): Promise<AgreementReport> {
  const open = await openReplay(options.source, options.checkpoint);
  try {
    await open.replayer.run({ chaincode: options.chaincode ?? DEFAULT_CHAINCODE });
    const state = open.state;
    const agreementEntry = await state.get(createCompositeKey(DOCUMENT_KEYS.agreement, [agreementId]));
    if (!agreementEntry) {
      throw new RangeError(`agreement ${agreementId} is not on the ledger`);
    }
    const agreement = parseAgreement(jsonOfBytes(agreementEntry.value));
    const skipped: Skipped = [];
    const acceptedBy: string[] = [];
    const range = partialKeyRange(DOCUMENT_KEYS.acceptance, [agreementId]);
    for await (const { key, entry } of state.entries({ gte: range.start, lt: range.end })) {
      const acceptance = documentAt(key, entry.value, parseAcceptance, (a) => createCompositeKey(DOCUMENT_KEYS.acceptance, [a.agreementId, a.party]), skipped);
      if (acceptance) {
        acceptedBy.push(acceptance.party);
      }
    }
    const asOf = (options.asOf ?? new Date()).toISOString();
    const blockOf = async (txId: string): Promise<number | null> => (await state.transactionLocation(txId))?.block ?? null;
    const shares = await documents(state, 'share-agreement' satisfies IndexKey, agreementId, DOCUMENT_KEYS.share, parseShareRecord, (d) => d.shareId, skipped);
    const accesses = await documents(state, 'access-agreement' satisfies IndexKey, agreementId, DOCUMENT_KEYS.access, parseAccessRequest, (d) => d.requestId, skipped);
    const purges = await documents(state, 'purge-agreement' satisfies IndexKey, agreementId, DOCUMENT_KEYS.purge, parsePurgeReceipt, (d) => d.shareId ?? '', skipped);
    const purgedAt = new Map(purges.map((p) => [p.shareId ?? '', p.purgedAt]));
    const terminatedAt = agreement.termination?.at;
    const report: AgreementReport = {
      agreementId,
      parties: agreement.parties,
      acceptedBy: acceptedBy.sort(),
      status: agreementStatus(agreement, acceptedBy, asOf),
      asOf,
      validFrom: agreement.validFrom,
      validUntil: agreement.validUntil,
      retentionDays: agreement.retentionDays,
      shares: [],
      accesses: [],
      purges: [],
      overdue: [],
      skipped,
      findings: (await state.findings()).length,
    };
    for (const s of shares) {
      const purged = purgedAt.get(s.shareId) ?? null;
      report.shares.push({
        shareId: s.shareId,
        block: await blockOf(s.shareId),
        ucr: s.ucr,
        from: s.from,
        to: s.to,
        purpose: s.purpose,
        categories: s.categories,
        sharedAt: s.sharedAt,
        retainUntil: s.retainUntil,
        purgedAt: purged,
      });
      const due = terminatedAt !== undefined && terminatedAt < s.retainUntil ? terminatedAt : s.retainUntil;
      if (purged === null && due <= asOf) {
        report.overdue.push({ shareId: s.shareId, ucr: s.ucr, holder: s.to, dueSince: due });
      }
    }
    for (const a of accesses) {
      report.accesses.push({ requestId: a.requestId, block: await blockOf(a.requestId), ucr: a.ucr, by: a.by, purpose: a.purpose, at: a.at });
    }
    for (const p of purges) {
      report.purges.push({ txId: p.txId, block: await blockOf(p.txId), ucr: p.ucr, shareId: p.shareId, holder: p.holder, reason: p.reason, purgedAt: p.purgedAt });
    }
    return report;
  } finally {
    await open.close();
  }
}
