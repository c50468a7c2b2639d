/**
 * Parsers for the documents the chaincode writes to the public state, as the
 * auditor and the trader's verifier read them back from blocks or queries:
 * bytes arrive as `unknown` and leave as the domain's types, or as an error
 * that names what is wrong. Only the fields a check relies on are required.
 */
import {
  DATA_CATEGORIES,
  DECLARATION_FIELDS,
  PRIVATE_FIELDS,
  PURPOSES,
  RECORD_STATUSES,
  type Acceptance,
  type Agreement,
  type ConsignmentRecord,
  type DeclarationField,
  type PurgeReceipt,
  type ShareRecord,
  type AccessRequest,
} from 'customs-ledger-chaincode/domain';
import { z } from 'zod';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO time');
const msp = z.string().min(1);
const fieldHashes = z.strictObject(
  Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, hex64])) as Record<DeclarationField, typeof hex64>,
);
const statusChange = z.object({ status: z.enum(RECORD_STATUSES), at: iso, reason: z.string(), by: msp, txId: z.string() });
const partyAction = z.object({ by: msp, at: iso, reason: z.string(), txId: z.string() }).nullable();

const recordSchema = z.object({
  docType: z.literal('consignment'),
  ucr: z.string(),
  type: z.enum(['export', 'import', 'transit']),
  office: z.string(),
  destinationCountry: z.string(),
  originator: msp,
  declarationVersion: z.number().int().min(1),
  declarationHash: hex64,
  fieldRoot: hex64,
  fieldHashes,
  trader: z.string().nullable(),
  traderSignature: z.string().nullable(),
  status: z.enum(RECORD_STATUSES),
  statusHistory: z.array(statusChange),
  lodgedAt: iso,
  lodgeTxId: z.string(),
  updatedAt: iso,
  privatePurgedAt: iso.nullable(),
});

const agreementSchema = z.object({
  docType: z.literal('agreement'),
  id: z.string(),
  parties: z.array(msp).min(1),
  categories: z.array(z.enum(DATA_CATEGORIES)),
  purposes: z.array(z.enum(PURPOSES)),
  legalBasis: z.string(),
  validFrom: iso,
  validUntil: iso,
  retentionDays: z.number().int(),
  onwardSharing: z.boolean(),
  proposer: msp,
  proposedAt: iso,
  proposeTxId: z.string(),
  suspension: partyAction,
  termination: partyAction,
});

const acceptanceSchema = z.object({
  docType: z.literal('acceptance'),
  agreementId: z.string(),
  party: msp,
  acceptedAt: iso,
  txId: z.string(),
});

const shareSchema = z.object({
  docType: z.literal('share'),
  shareId: z.string(),
  ucr: z.string(),
  from: msp,
  to: msp,
  agreementId: z.string(),
  purpose: z.enum(PURPOSES),
  categories: z.array(z.enum(DATA_CATEGORIES)),
  fields: z.array(z.enum(PRIVATE_FIELDS as [string, ...string[]])),
  payloadHash: hex64,
  sharedAt: iso,
  retainUntil: iso,
  onward: z.boolean(),
});

const accessSchema = z.object({
  docType: z.literal('access'),
  requestId: z.string(),
  ucr: z.string(),
  by: msp,
  purpose: z.enum(PURPOSES),
  agreementIds: z.array(z.string()),
  shareIds: z.array(z.string()),
  at: iso,
});

const purgeSchema = z.object({
  docType: z.literal('purge'),
  ucr: z.string(),
  shareId: z.string().nullable(),
  agreementId: z.string().nullable(),
  holder: msp,
  reason: z.enum(['agreement-terminated', 'customs-retention-elapsed', 'retention-elapsed']),
  purgedAt: iso,
  txId: z.string(),
});

export class DocumentError extends Error {}

/**
 * `schema` parses; `fast`, when given, is a quicker check written for the
 * documents of every transaction (consignment records): it returns what the
 * schema would, or undefined to leave the document (and its error message)
 * to the schema. It may refuse more than the schema, never less.
 */
function parser<T>(schema: z.ZodType, name: string, fast?: (input: unknown) => T | undefined): (input: unknown) => T {
  return (input: unknown): T => {
    const quick = fast?.(input);
    if (quick !== undefined) {
      return quick;
    }
    const result = schema.safeParse(input);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new DocumentError(`not a ${name}: ${[...(issue?.path ?? []).map(String)].join('.') || '(document)'} ${issue?.message ?? ''}`.trim());
    }
    return result.data as T;
  };
}

// ---- recordSchema, checked by hand ------------------------------------------------

const HEX64 = /^[0-9a-f]{64}$/;
const RECORD_TYPES: ReadonlySet<unknown> = new Set(['export', 'import', 'transit']);
const STATUSES: ReadonlySet<unknown> = new Set(RECORD_STATUSES);
const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const isString = (u: unknown): u is string => typeof u === 'string';
const isHex64 = (u: unknown): u is string => typeof u === 'string' && HEX64.test(u);
const isIso = (u: unknown): u is string => typeof u === 'string' && !Number.isNaN(Date.parse(u));
const isMsp = (u: unknown): u is string => typeof u === 'string' && u.length > 0;
const isStringOrNull = (u: unknown): u is string | null => u === null || typeof u === 'string';

function fastFieldHashes(u: unknown): ConsignmentRecord['fieldHashes'] | undefined {
  if (!isObject(u) || Object.keys(u).length !== DECLARATION_FIELDS.length) {
    return undefined;
  }
  const out: Partial<Record<DeclarationField, string>> = {};
  for (const f of DECLARATION_FIELDS) {
    const h = u[f];
    if (!isHex64(h)) {
      return undefined;
    }
    out[f] = h;
  }
  return out as ConsignmentRecord['fieldHashes'];
}

function fastStatusHistory(u: unknown): ConsignmentRecord['statusHistory'] | undefined {
  if (!Array.isArray(u)) {
    return undefined;
  }
  const out: ConsignmentRecord['statusHistory'] = [];
  for (const c of u as unknown[]) {
    if (!isObject(c) || !STATUSES.has(c.status) || !isIso(c.at) || !isString(c.reason) || !isMsp(c.by) || !isString(c.txId)) {
      return undefined;
    }
    out.push({ status: c.status as ConsignmentRecord['status'], at: c.at, reason: c.reason, by: c.by, txId: c.txId });
  }
  return out;
}

/** recordSchema's result for a well-formed record, or undefined (see parser()). */
function fastRecord(u: unknown): ConsignmentRecord | undefined {
  if (!isObject(u)) {
    return undefined;
  }
  const { docType, ucr, type, office, destinationCountry, originator, declarationVersion, declarationHash, fieldRoot, trader, traderSignature, status, lodgedAt, lodgeTxId, updatedAt, privatePurgedAt } = u;
  const fieldHashes = fastFieldHashes(u.fieldHashes);
  const statusHistory = fastStatusHistory(u.statusHistory);
  const ok =
    docType === 'consignment' &&
    isString(ucr) &&
    RECORD_TYPES.has(type) &&
    isString(office) &&
    isString(destinationCountry) &&
    isMsp(originator) &&
    Number.isSafeInteger(declarationVersion) &&
    (declarationVersion as number) >= 1 &&
    isHex64(declarationHash) &&
    isHex64(fieldRoot) &&
    fieldHashes !== undefined &&
    isStringOrNull(trader) &&
    isStringOrNull(traderSignature) &&
    STATUSES.has(status) &&
    statusHistory !== undefined &&
    isIso(lodgedAt) &&
    isString(lodgeTxId) &&
    isIso(updatedAt) &&
    (privatePurgedAt === null || isIso(privatePurgedAt));
  return ok
    ? {
        docType,
        ucr,
        type: type as ConsignmentRecord['type'],
        office,
        destinationCountry,
        originator,
        declarationVersion: declarationVersion as number,
        declarationHash,
        fieldRoot,
        fieldHashes,
        trader,
        traderSignature,
        status: status as ConsignmentRecord['status'],
        statusHistory,
        lodgedAt,
        lodgeTxId,
        updatedAt,
        privatePurgedAt,
      }
    : undefined;
}

/** JSON text of a state value, or a DocumentError. */
export function jsonOfBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch {
    throw new DocumentError('not JSON');
  }
}

export const parseConsignmentRecord = parser<ConsignmentRecord>(recordSchema, 'consignment record', fastRecord);
export const parseAgreement = parser<Agreement>(agreementSchema, 'agreement');
export const parseAcceptance = parser<Acceptance>(acceptanceSchema, 'acceptance');
export const parseShareRecord = parser<ShareRecord>(shareSchema, 'share record');
export const parseAccessRequest = parser<AccessRequest>(accessSchema, 'access request');
export const parsePurgeReceipt = parser<PurgeReceipt>(purgeSchema, 'purge receipt');
