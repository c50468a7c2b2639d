/**
 * The shapes of request bodies, query strings and path parameters. Every
 * object is strict: a field the API does not know is refused, by name.
 * Domain schemas are reused wherever the domain already says what is valid.
 */
import { z } from 'zod';
import {
  AGREEMENT_STATUSES,
  DECLARATION_FIELDS,
  RECORD_STATUSES,
  agreementIdSchema,
  agreementProposalSchema,
  traderAddressSchema,
  traderSignatureSchema,
  transactionIdSchema,
  categorySchema,
  declarationSchema,
  hex64Schema,
  locodeSchema,
  mspIdSchema,
  purposeSchema,
  saltSchema,
  saltsSchema,
  ucrSchema,
  type DeclarationField,
} from 'customs-ledger-chaincode/domain';

/** A non-negative whole number written in a query string or path: decimal digits, no leading zero, at most 15. */
const MAX_WHOLE_NUMBER = 999_999_999_999_999;
const wholeNumber = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, 'must be a whole number')
  .transform(Number);

/** A whole number from `min` to `max`, written in a query string. */
const wholeNumberIn = (min: number, max: number) =>
  wholeNumber.pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const reason = z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters');

// ---- path parameters ---------------------------------------------------------

export const agreementParams = z.strictObject({ id: agreementIdSchema });
export const ucrParams = z.strictObject({ ucr: ucrSchema });
export const shareParams = z.strictObject({
  ucr: ucrSchema,
  shareId: z.string().regex(/^[0-9a-zA-Z_-]{1,128}$/, 'must be a share id (the sharing transaction id)'),
});
export const blockParams = z.strictObject({ n: wholeNumber });
export const transactionParams = z.strictObject({ txId: transactionIdSchema });

// ---- agreements ---------------------------------------------------------------

export const agreementProposalBody = agreementProposalSchema;
export const reasonBody = z.strictObject({ reason });
/** Accept takes no body; an empty object is tolerated. */
export const emptyBody = z.strictObject({}).optional();
export const agreementListQuery = z.strictObject({
  party: mspIdSchema.optional(),
  status: z.enum(AGREEMENT_STATUSES).optional(),
});

// ---- consignments -------------------------------------------------------------

export const traderSchema = z.strictObject({
  address: traderAddressSchema,
  signature: traderSignatureSchema,
});

/** What `customs-ledger trader sign` writes, lodged as it is: the trader's address and signature beside the facts it signed. */
export const signedFileBody = z.strictObject({
  declaration: declarationSchema,
  salts: saltsSchema,
  trader: traderSchema.shape.address,
  signature: traderSchema.shape.signature,
  authority: mspIdSchema,
  channelId: z.string().min(1).max(250),
  version: z.number().int().min(1),
});

export const lodgeBody = z
  .strictObject({
    declaration: declarationSchema,
    salts: saltsSchema.optional(),
    trader: traderSchema.optional(),
  })
  .refine((b) => b.trader === undefined || b.salts !== undefined, {
    path: ['salts'],
    message: 'a signed lodgement must come with the salts the trader signed over',
  });

export const statusBody = z.strictObject({ status: z.enum(RECORD_STATUSES), reason });

export const shareBody = z.strictObject({
  recipient: mspIdSchema,
  agreementId: agreementIdSchema,
  purpose: purposeSchema,
  categories: z
    .array(categorySchema)
    .min(1, 'must name at least one category')
    .max(5)
    .refine((c) => new Set(c).size === c.length, 'must not repeat a category')
    .meta({ uniqueItems: true })
    .optional(),
});

export const accessBody = z.strictObject({ purpose: purposeSchema });

/** Base64url of the ledger's bookmark, so a cursor is a plain URL-safe token ("" for the first page, and after the last). */
const BOOKMARK = /^[A-Za-z0-9_-]*$/;
const BOOKMARK_MESSAGE = 'must be the bookmark of a previous page';
export const bookmarkSchema = z.string().regex(BOOKMARK, BOOKMARK_MESSAGE);
const cursor = z
  .string()
  .max(1400, 'must be at most 1400 characters')
  .regex(BOOKMARK, BOOKMARK_MESSAGE)
  .transform((b) => Buffer.from(b, 'base64url').toString('utf8'));

const listValue: Record<'day' | 'office' | 'status', z.ZodType> = {
  status: z.enum(RECORD_STATUSES),
  office: locodeSchema,
  day: z
    .string()
    .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a day YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'must be a real calendar date'),
};

export const listQuery = z
  .strictObject({
    by: z.enum(['day', 'office', 'status']),
    value: z.string().max(64, 'must be at most 64 characters'),
    pageSize: wholeNumberIn(1, 200).default(50),
    bookmark: cursor.default(''),
  })
  .superRefine((q, ctx) => {
    const result = listValue[q.by].safeParse(q.value);
    if (!result.success) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: result.error.issues[0]?.message ?? `is not a valid ${q.by}` });
    }
  });

// ---- verification ---------------------------------------------------------------

export const verifyBody = z.strictObject({
  declaration: declarationSchema,
  salts: saltsSchema.optional(),
});

/** Each disclosed field must be a valid value of that field, with its salt. */
const disclosure = (field: DeclarationField) =>
  z.strictObject({ value: declarationSchema.shape[field] as z.ZodType, salt: saltSchema }).optional();
const disclosedFields = z
  .strictObject(Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, disclosure(f)])) as Record<DeclarationField, ReturnType<typeof disclosure>>)
  .refine((fields) => Object.values(fields).some((f) => f !== undefined), 'must disclose at least one field');

/** What a caller without a token shows of the document it holds: its declaration hash, or salted field hashes. */
export const possessionBody = z
  .strictObject({
    declarationHash: hex64Schema.optional(),
    fieldHashes: z
      .strictObject(Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, hex64Schema.optional()])) as Record<DeclarationField, z.ZodOptional<typeof hex64Schema>>)
      .optional(),
  })
  .refine((p) => p.declarationHash !== undefined || Object.values(p.fieldHashes ?? {}).some((h) => h !== undefined), 'must show the declarationHash or at least one field hash');

/** A trader's signed request for its record's inclusion proof (EIP-712 InclusionProofRequest {ucr, authority, signedAt}). */
export const proofRequestBody = z.strictObject({
  signedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time, e.g. 2026-03-02T09:00:00Z' }),
  signature: traderSignatureSchema,
});

export const discloseBody = z.strictObject({ ucr: ucrSchema, fields: disclosedFields });

// ---- audit ---------------------------------------------------------------------------

export const MAX_BLOCKS_PER_PAGE = 100;

export const blocksQuery = z
  .strictObject({ from: wholeNumberIn(0, MAX_WHOLE_NUMBER).default(0), to: wholeNumberIn(0, MAX_WHOLE_NUMBER).optional() })
  .transform((q) => ({ from: q.from, to: q.to ?? q.from + 19 }))
  .refine((q) => q.to >= q.from, { path: ['to'], message: 'must not be before from' })
  .refine((q) => q.to - q.from < MAX_BLOCKS_PER_PAGE, { path: ['to'], message: `must be within ${MAX_BLOCKS_PER_PAGE} blocks of from` });

export const eventsQuery = z.strictObject({
  fromBlock: wholeNumberIn(0, MAX_WHOLE_NUMBER).default(0),
  limit: wholeNumberIn(1, 1000).default(100),
});
