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
import { compileParser, NOT_PARSED } from '../service/compiled-parser';

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
 * `schema` parses. The compiled parser of the gateway's contract answers
 * (service/compiled-parser.ts) answers first: zod's own value for a valid
 * document at a fraction of zod's cost, which counts here as the replay
 * parses the documents of every transaction; anything it does not pass goes
 * to zod, for the verdict and its error message.
 */
function parser<T>(schema: z.ZodType, name: string): (input: unknown) => T {
  const compiled = compileParser(schema as z.ZodType<T>);
  return (input: unknown): T => {
    const quick = compiled(input);
    if (quick !== NOT_PARSED) {
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

/** JSON text of a state value, or a DocumentError. */
export function jsonOfBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch {
    throw new DocumentError('not JSON');
  }
}

export const parseConsignmentRecord = parser<ConsignmentRecord>(recordSchema, 'consignment record');
export const parseAgreement = parser<Agreement>(agreementSchema, 'agreement');
export const parseAcceptance = parser<Acceptance>(acceptanceSchema, 'acceptance');
export const parseShareRecord = parser<ShareRecord>(shareSchema, 'share record');
export const parseAccessRequest = parser<AccessRequest>(accessSchema, 'access request');
export const parsePurgeReceipt = parser<PurgeReceipt>(purgeSchema, 'purge receipt');
