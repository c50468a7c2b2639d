/**
 * The schemas of what the HTTP API answers, for the route table and so for
 * the OpenAPI document. They are built from the schemas the services parse
 * ledger answers with (service/ledger-views.ts) and the domain's document
 * schemas; what the gateway itself composes (a lodgement's outcome, a
 * verification, a proof, a block) is described here, each schema held to
 * the type its service returns. Every error shares one body.
 */
import { z } from 'zod';
import {
  DECLARATION_FIELDS,
  accessRequestSchema,
  consignmentRecordSchema,
  hex64Schema,
  mspIdSchema,
  saltsSchema,
  skippedDocumentSchema,
  transactionIdSchema,
  type DeclarationField,
} from 'customs-ledger-chaincode/domain';
import { VALIDATION_CODES } from '../fabric-format/validation-codes';
import type { BlockInfo, LedgerBackend, TransactionStatus } from '../ledger/backend';
import type { AccessGranted, EventPage, Health, Lodged, Verification, DisclosureCheck } from '../service';
import { historyEntrySchema, recordPageSchema, recordViewSchema } from '../service/ledger-views';
import type { InclusionProof, RecordCommitment } from '../trader';
import type { ErrorBody } from './error-handler';
import { bookmarkSchema, traderSchema } from './schemas';

/** Holds a schema to the type it describes: whatever it accepts is a value of that type. */
const describing =
  <T>() =>
  <S extends z.ZodType<T>>(schema: S): S =>
    schema;

// ---- errors ----------------------------------------------------------------------

export const errorBodySchema = describing<ErrorBody>()(
  z.strictObject({
    error: z.strictObject({
      code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an error code such as INVALID_ARGUMENT'),
      message: z.string().min(1),
      field: z.string().min(1).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
);

// ---- ledger facts ------------------------------------------------------------------

const validationCodeSchema = z.enum(VALIDATION_CODES);

const blockNumber = z.number().int().min(0);
/** a header's previous hash: empty for block 0 */
const previousHash = z.union([hex64Schema, z.literal('')]);

export const transactionStatusSchema = describing<TransactionStatus>()(
  z.strictObject({ transactionId: transactionIdSchema, blockNumber, validationCode: validationCodeSchema }),
);

export const blockInfoSchema = describing<BlockInfo>()(
  z.strictObject({
    number: blockNumber,
    headerHash: hex64Schema,
    previousHash,
    dataHash: hex64Schema,
    transactions: z.array(
      z.strictObject({
        // a configuration transaction's id may be empty
        transactionId: z.string(),
        validationCode: validationCodeSchema,
        creatorMspId: z.string(),
        timestamp: z.string(),
        function: z.string(),
      }),
    ),
  }),
);

export const blockPageSchema = z.strictObject({ height: blockNumber, blocks: z.array(blockInfoSchema) });
export const heightSchema = z.strictObject({ height: blockNumber });

export const eventPageSchema = describing<EventPage>()(
  z.strictObject({
    events: z.array(
      z.strictObject({
        blockNumber,
        transactionId: transactionIdSchema,
        name: z.string().min(1),
        // the event's own facts, as its contract emitted them (JSON)
        payload: z.unknown(),
      }),
    ),
    nextBlock: blockNumber,
  }),
);

/** The raw bytes of a block, as Fabric's protobuf common.Block. */
export const BLOCK_BYTES = { type: 'string', minLength: 1, contentMediaType: 'application/octet-stream' } as const;

// ---- consignments ---------------------------------------------------------------------

export const lodgedSchema = describing<Lodged>()(
  z.strictObject({
    record: consignmentRecordSchema,
    salts: saltsSchema.nullable(),
    saltsGenerated: z.boolean(),
    created: z.boolean(),
    transactionId: transactionIdSchema,
  }),
);

/** A page of records as the API answers it: the ledger's bookmark as a URL-safe cursor. */
export const recordListSchema = recordPageSchema.extend({ bookmark: bookmarkSchema });

export const recordHistorySchema = z.strictObject({ history: z.array(historyEntrySchema), skipped: z.array(skippedDocumentSchema) });

export const accessGrantedSchema = describing<AccessGranted>()(z.strictObject({ request: accessRequestSchema, view: recordViewSchema }));

// ---- verification -----------------------------------------------------------------------

const fieldName = z.enum(DECLARATION_FIELDS as [DeclarationField, ...DeclarationField[]]);

export const verificationSchema = describing<Verification>()(
  z.strictObject({
    match: z.boolean(),
    ucr: z.string(),
    declarationHash: hex64Schema,
    recordedDeclarationHash: hex64Schema,
    mismatchedFields: z.array(fieldName).optional(),
    transactionId: z.string(),
    blockNumber: blockNumber.nullable(),
    committedAt: z.string(),
    originator: mspIdSchema,
    trader: traderSchema.nullable(),
  }),
);

export const disclosureCheckSchema = describing<DisclosureCheck>()(
  z.strictObject({
    ucr: z.string(),
    fieldRoot: hex64Schema,
    rootConsistent: z.boolean(),
    fields: z.array(z.strictObject({ field: fieldName, match: z.boolean() })),
    match: z.boolean(),
  }),
);

export const commitmentSchema = describing<RecordCommitment>()(
  z.strictObject(
    consignmentRecordSchema.pick({
      declarationHash: true,
      declarationVersion: true,
      fieldHashes: true,
      fieldRoot: true,
      lodgeTxId: true,
      lodgedAt: true,
      originator: true,
      trader: true,
      traderSignature: true,
      ucr: true,
    }).shape,
  ),
);

const headerLink = z.strictObject({ number: blockNumber, previousHash, dataHash: hex64Schema });

export const inclusionProofSchema = describing<InclusionProof>()(
  z.strictObject({
    ucr: z.string(),
    txId: z.string(),
    block: headerLink.extend({
      envelopes: z.array(z.base64()).min(1),
      txIndex: z.number().int().min(0),
      // as the block's metadata names it (a proof file is read from anywhere, so any name)
      validationCode: z.string().regex(/^[A-Z][A-Z_]*$/),
    }),
    chain: z.array(headerLink),
    headHash: hex64Schema,
  }),
);

// ---- operations ---------------------------------------------------------------------------

const BACKENDS = ['embedded', 'fabric-network', 'fabric-gateway'] as const satisfies readonly LedgerBackend['kind'][];

export const healthSchema = describing<Health>()(
  z.strictObject({ status: z.literal('ok'), mspId: mspIdSchema, backend: z.enum(BACKENDS), blockHeight: blockNumber }),
);
export const unavailableSchema = z.strictObject({ status: z.literal('unavailable'), mspId: mspIdSchema });

/** The OpenAPI document itself, as far as a client relies on it. */
export const openApiSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string().regex(/^\//), z.partialRecord(z.enum(['get', 'post']), z.looseObject({ operationId: z.string(), responses: z.record(z.string(), z.unknown()) }))),
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()) }),
});
export type OpenApiDocument = z.output<typeof openApiSchema>;

/** Prometheus' text exposition format. */
export const METRICS_TEXT = { type: 'string', pattern: '^# HELP ' } as const;
