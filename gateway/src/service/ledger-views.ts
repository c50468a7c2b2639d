/**
 * Parsers for what the contracts answer. Every answer is canonical JSON
 * text; it becomes a domain type here, through a schema, never through a
 * cast. Unknown fields are dropped, so nothing the gateway does not know
 * about is passed on to a client.
 */
import { z } from 'zod';
import {
  accessRequestSchema,
  agreementViewSchema,
  categorySchema,
  consignmentRecordSchema,
  parseJsonText,
  privateDeclarationSchema,
  purgeReceiptSchema,
  saltsSchema,
  shareRecordSchema,
  skippedDocumentSchema,
  type AccessRequest,
  type AgreementView,
  type ConsignmentRecord,
  type PurgeReceipt,
  type RecordView,
  type ShareRecord,
  type SkippedDocument,
} from 'customs-ledger-chaincode/domain';
import { compileParser, NOT_PARSED } from 'customs-ledger-chaincode/domain';
import { GatewayError } from './errors';

export { accessRequestSchema, agreementViewSchema, consignmentRecordSchema, purgeReceiptSchema, shareRecordSchema };
export type { AgreementView, SkippedDocument };

export const recordViewSchema = z.object({
  record: consignmentRecordSchema,
  private: z
    .object({
      fields: privateDeclarationSchema.partial(),
      salts: saltsSchema.partial(),
      categories: z.array(categorySchema),
      sources: z.array(z.string()),
    })
    .nullable(),
}) satisfies z.ZodType<RecordView>;

/**
 * Every listing names the documents it had to leave out (a document under a
 * key that its owner overwrote with something that is not one): the others
 * are listed, and the reader sees what was skipped and why.
 */
const skipped = z.array(skippedDocumentSchema);

export type ShareWithPurge = ShareRecord & { purge: PurgeReceipt | null };
export interface ShareList {
  shares: ShareWithPurge[];
  skipped: SkippedDocument[];
}
export const shareListSchema = z.object({
  shares: z.array(shareRecordSchema.extend({ purge: purgeReceiptSchema.nullable() })),
  skipped,
}) satisfies z.ZodType<ShareList>;

export interface HistoryEntry {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  record: ConsignmentRecord | null;
}
export interface History {
  entries: HistoryEntry[];
  skipped: SkippedDocument[];
}
export const historyEntrySchema = z.object({
  txId: z.string(),
  timestamp: z.string(),
  isDelete: z.boolean(),
  record: consignmentRecordSchema.nullable(),
}) satisfies z.ZodType<HistoryEntry>;
export const historySchema = z.object({ entries: z.array(historyEntrySchema), skipped }) satisfies z.ZodType<History>;

export interface RecordPage {
  records: ConsignmentRecord[];
  bookmark: string;
  count: number;
  skipped: SkippedDocument[];
}
export const recordPageSchema = z.object({
  records: z.array(consignmentRecordSchema),
  bookmark: z.string(),
  count: z.number().int(),
  skipped,
}) satisfies z.ZodType<RecordPage>;

export interface AgreementActivity {
  agreement: AgreementView;
  shares: ShareRecord[];
  accesses: AccessRequest[];
  purges: PurgeReceipt[];
  skipped: SkippedDocument[];
}
export const agreementActivitySchema = z.object({
  agreement: agreementViewSchema,
  shares: z.array(shareRecordSchema),
  accesses: z.array(accessRequestSchema),
  purges: z.array(purgeReceiptSchema),
  skipped,
}) satisfies z.ZodType<AgreementActivity>;

export interface AgreementList {
  agreements: AgreementView[];
  skipped: SkippedDocument[];
}
export const agreementListSchema = z.object({ agreements: z.array(agreementViewSchema), skipped }) satisfies z.ZodType<AgreementList>;

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
