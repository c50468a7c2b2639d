/**
 * Parsers for what the contracts answer. Every answer is canonical JSON
 * text; it becomes a domain type here, through a schema, never through a
 * cast. Unknown fields are dropped, so nothing the gateway does not know
 * about is passed on to a client.
 */
import { z } from 'zod';
import {
  AGREEMENT_STATUSES,
  DECLARATION_FIELDS,
  DECLARATION_TYPES,
  PRIVATE_FIELDS,
  RECORD_STATUSES,
  categorySchema,
  parseJsonText,
  privateDeclarationSchema,
  purposeSchema,
  saltsSchema,
  type AccessRequest,
  type Agreement,
  type AgreementStatus,
  type ConsignmentRecord,
  type DeclarationField,
  type PurgeReceipt,
  type RecordView,
  type ShareRecord,
} from 'customs-ledger-chaincode/domain';
import { compileParser, NOT_PARSED } from './compiled-parser';
import { GatewayError } from './errors';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const fieldHashesSchema = z.object(
  Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, hex64])) as Record<DeclarationField, typeof hex64>,
);

const statusChangeSchema = z.object({
  status: z.enum(RECORD_STATUSES),
  at: z.string(),
  reason: z.string(),
  by: z.string(),
  txId: z.string(),
});

export const consignmentRecordSchema: z.ZodType<ConsignmentRecord> = z.object({
  docType: z.literal('consignment'),
  ucr: z.string(),
  type: z.enum(DECLARATION_TYPES),
  office: z.string(),
  destinationCountry: z.string(),
  originator: z.string(),
  declarationVersion: z.number().int(),
  declarationHash: hex64,
  fieldRoot: hex64,
  fieldHashes: fieldHashesSchema,
  trader: z.string().nullable(),
  traderSignature: z.string().nullable(),
  status: z.enum(RECORD_STATUSES),
  statusHistory: z.array(statusChangeSchema),
  lodgedAt: z.string(),
  lodgeTxId: z.string(),
  updatedAt: z.string(),
  privatePurgedAt: z.string().nullable(),
});

export const recordViewSchema: z.ZodType<RecordView> = z.object({
  record: consignmentRecordSchema,
  private: z
    .object({
      fields: privateDeclarationSchema.partial(),
      salts: saltsSchema.partial(),
      categories: z.array(categorySchema),
      sources: z.array(z.string()),
    })
    .nullable(),
});

const partyActionSchema = z.object({ by: z.string(), at: z.string(), reason: z.string(), txId: z.string() });

/** An agreement with who accepted it and its status at the transaction's time, as AgreementContract answers. */
export interface AgreementView extends Agreement {
  acceptedBy: string[];
  status: AgreementStatus;
}

export const agreementViewSchema: z.ZodType<AgreementView> = z.object({
  docType: z.literal('agreement'),
  id: z.string(),
  parties: z.array(z.string()),
  categories: z.array(categorySchema),
  purposes: z.array(purposeSchema),
  legalBasis: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  retentionDays: z.number().int(),
  onwardSharing: z.boolean(),
  proposer: z.string(),
  proposedAt: z.string(),
  proposeTxId: z.string(),
  suspension: partyActionSchema.nullable(),
  termination: partyActionSchema.nullable(),
  acceptedBy: z.array(z.string()),
  status: z.enum(AGREEMENT_STATUSES),
});

export const shareRecordSchema: z.ZodType<ShareRecord> = z.object({
  docType: z.literal('share'),
  shareId: z.string(),
  ucr: z.string(),
  from: z.string(),
  to: z.string(),
  agreementId: z.string(),
  purpose: purposeSchema,
  categories: z.array(categorySchema),
  fields: z.array(z.enum(PRIVATE_FIELDS)),
  payloadHash: hex64,
  sharedAt: z.string(),
  retainUntil: z.string(),
  onward: z.boolean(),
});

export const purgeReceiptSchema: z.ZodType<PurgeReceipt> = z.object({
  docType: z.literal('purge'),
  ucr: z.string(),
  shareId: z.string().nullable(),
  agreementId: z.string().nullable(),
  holder: z.string(),
  reason: z.enum(['agreement-terminated', 'customs-retention-elapsed', 'retention-elapsed']),
  purgedAt: z.string(),
  txId: z.string(),
});

export const accessRequestSchema: z.ZodType<AccessRequest> = z.object({
  docType: z.literal('access'),
  requestId: z.string(),
  ucr: z.string(),
  by: z.string(),
  purpose: purposeSchema,
  agreementIds: z.array(z.string()),
  shareIds: z.array(z.string()),
  at: z.string(),
});

export type ShareWithPurge = ShareRecord & { purge: PurgeReceipt | null };
export const sharesSchema: z.ZodType<ShareWithPurge[]> = z.array(
  z.intersection(shareRecordSchema, z.object({ purge: purgeReceiptSchema.nullable() })),
);

export interface HistoryEntry {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  record: ConsignmentRecord | null;
}
export const historySchema: z.ZodType<HistoryEntry[]> = z.array(
  z.object({ txId: z.string(), timestamp: z.string(), isDelete: z.boolean(), record: consignmentRecordSchema.nullable() }),
);

export interface RecordPage {
  records: ConsignmentRecord[];
  bookmark: string;
  count: number;
}
export const recordPageSchema: z.ZodType<RecordPage> = z.object({
  records: z.array(consignmentRecordSchema),
  bookmark: z.string(),
  count: z.number().int(),
});

export interface AgreementActivity {
  agreement: AgreementView;
  shares: ShareRecord[];
  accesses: AccessRequest[];
  purges: PurgeReceipt[];
}
export const agreementActivitySchema: z.ZodType<AgreementActivity> = z.object({
  agreement: agreementViewSchema,
  shares: z.array(shareRecordSchema),
  accesses: z.array(accessRequestSchema),
  purges: z.array(purgeReceiptSchema),
});

export const agreementListSchema: z.ZodType<AgreementView[]> = z.array(agreementViewSchema);

/**
 * A parser for one kind of contract answer. An answer that does not parse is
 * the ledger's fault, not the client's: it is a LEDGER_FAILURE. Answers are
 * parsed through compileParser (the same values as zod's, for less); one it
 * cannot vouch for goes to zod, which decides and names what is wrong.
 */
export function answerParser<T>(schema: z.ZodType<T>, what: string): (payload: Buffer) => T {
  const parse = compileParser(schema);
  return (payload: Buffer): T => {
    let json: unknown;
    try {
      json = parseJsonText(payload.toString('utf8'), what);
    } catch (cause) {
      throw new GatewayError('LEDGER_FAILURE', `the ledger answered ${what} with something that is not JSON`, {}, { cause });
    }
    const parsed = parse(json);
    if (parsed !== NOT_PARSED) {
      return parsed;
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new GatewayError(
        'LEDGER_FAILURE',
        `the ledger's answer to ${what} is not what the gateway expects at ${[what, ...(issue?.path ?? []).map(String)].join('.')}`,
        {},
        { cause: result.error },
      );
    }
    return result.data;
  };
}
