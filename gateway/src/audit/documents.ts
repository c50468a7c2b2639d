/**
 * Parsers for the documents the chaincode writes to the public state, as the
 * auditor and the trader's verifier read them back from blocks or queries:
 * bytes arrive as `unknown` and leave as the domain's types, or as an error
 * that names what is wrong, through the chaincode's own document schemas.
 */
import {
  acceptanceSchema,
  accessRequestSchema,
  agreementSchema,
  consignmentRecordSchema,
  documentIssue,
  memberSchema,
  purgeReceiptSchema,
  shareRecordSchema,
  type Acceptance,
  type Agreement,
  type ConsignmentRecord,
  type Member,
  type PurgeReceipt,
  type ShareRecord,
  type AccessRequest,
} from 'customs-ledger-chaincode/domain';
import type { z } from 'zod';
import { compileParser, NOT_PARSED } from 'customs-ledger-chaincode/domain';

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
      throw new DocumentError(`not a ${name}: ${documentIssue(schema, input) ?? 'is invalid'}`);
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

export const parseConsignmentRecord = parser<ConsignmentRecord>(consignmentRecordSchema, 'consignment record');
export const parseAgreement = parser<Agreement>(agreementSchema, 'agreement');
export const parseAcceptance = parser<Acceptance>(acceptanceSchema, 'acceptance');
export const parseMember = parser<Member>(memberSchema, 'member');
export const parseShareRecord = parser<ShareRecord>(shareRecordSchema, 'share record');
export const parseAccessRequest = parser<AccessRequest>(accessRequestSchema, 'access request');
export const parsePurgeReceipt = parser<PurgeReceipt>(purgeReceiptSchema, 'purge receipt');
