/**
 * The schema of every document the chaincode keeps, public or private, as
 * its readers take it back: the contracts when they read state, the
 * gateway when it reads their answers, the auditor and the trader's tools
 * when they read blocks. One schema per document; each is held to the
 * document's type at compile time. A reader keeps only the fields it knows.
 *
 * A document can be well formed and still not hold together (a status that
 * is not the last of its history, a field root that is not the root of its
 * field hashes): `recordInconsistency` says so, for the readers that rely on
 * those facts.
 */
import { z } from 'zod';
import { PURPOSES, type Acceptance, type Agreement, type Member, type AgreementStatus, AGREEMENT_STATUSES } from './agreement';
import {
  DATA_CATEGORIES,
  DECLARATION_FIELDS,
  DECLARATION_TYPES,
  PRIVATE_FIELDS,
  publicDeclarationSchema,
  privateDeclarationSchema,
  saltsSchema,
  type DeclarationField,
} from './declaration';
import { fieldRootOf } from './merkle';
import { hex64Schema, traderAddressSchema, traderSignatureSchema } from './patterns';
import {
  RECORD_STATUSES,
  type AccessRequest,
  type ConsignmentRecord,
  type PurgeReceipt,
  type SharedCopy,
  type ShareRecord,
  type StoredDeclaration,
} from './record';

/** Holds a schema to a document type: its output must be that type. */
const documentOf =
  <T>() =>
  <S extends z.ZodType<T>>(schema: S): S =>
    schema;

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO time');
const msp = z.string().min(1);

export const fieldHashesSchema = z.strictObject(
  Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, hex64Schema])) as Record<DeclarationField, typeof hex64Schema>,
);

/**
 * What a gateway sends to Lodge: the declaration's public part and its
 * commitments, with the trader's address and signature when it signed.
 */
export const lodgementSchema = z
  .strictObject({
    ...publicDeclarationSchema.shape,
    declarationHash: hex64Schema,
    fieldRoot: hex64Schema,
    fieldHashes: fieldHashesSchema,
    trader: traderAddressSchema.nullable(),
    traderSignature: traderSignatureSchema.nullable(),
  })
  .refine((l) => (l.trader === null) === (l.traderSignature === null), {
    path: ['traderSignature'],
    message: 'trader and traderSignature come together or not at all',
  });
export type Lodgement = z.infer<typeof lodgementSchema>;

const statusChange = z.object({ status: z.enum(RECORD_STATUSES), at: instant, reason: z.string(), by: msp, txId: z.string() });
const partyAction = z.object({ by: msp, at: instant, reason: z.string(), txId: z.string() }).nullable();

export const consignmentRecordSchema = documentOf<ConsignmentRecord>()(
  z.object({
    docType: z.literal('consignment'),
    ucr: z.string(),
    type: z.enum(DECLARATION_TYPES),
    office: z.string(),
    destinationCountry: z.string(),
    originator: msp,
    declarationVersion: z.number().int().min(1),
    declarationHash: hex64Schema,
    fieldRoot: hex64Schema,
    fieldHashes: fieldHashesSchema,
    trader: z.string().nullable(),
    traderSignature: z.string().nullable(),
    status: z.enum(RECORD_STATUSES),
    statusHistory: z.array(statusChange),
    lodgedAt: instant,
    lodgeTxId: z.string(),
    updatedAt: instant,
    privatePurgedAt: instant.nullable(),
  }),
);

const agreementShape = {
  docType: z.literal('agreement'),
  id: z.string(),
  parties: z.array(msp).min(1),
  categories: z.array(z.enum(DATA_CATEGORIES)),
  purposes: z.array(z.enum(PURPOSES)),
  legalBasis: z.string(),
  validFrom: instant,
  validUntil: instant,
  retentionDays: z.number().int(),
  onwardSharing: z.boolean(),
  proposer: msp,
  proposedAt: instant,
  proposeTxId: z.string(),
  suspension: partyAction,
  termination: partyAction,
};
export const agreementSchema = documentOf<Agreement>()(z.object(agreementShape));

/** An agreement as the contracts answer it: with who accepted it and its status at the transaction's time. */
export interface AgreementView extends Agreement {
  acceptedBy: string[];
  status: AgreementStatus;
}
export const agreementViewSchema = documentOf<AgreementView>()(
  z.object({ ...agreementShape, acceptedBy: z.array(msp), status: z.enum(AGREEMENT_STATUSES) }),
);

export const acceptanceSchema = documentOf<Acceptance>()(
  z.object({ docType: z.literal('acceptance'), agreementId: z.string(), party: msp, acceptedAt: instant, txId: z.string() }),
);

export const memberSchema = documentOf<Member>()(z.object({ docType: z.literal('member'), msp, registeredAt: instant, txId: z.string() }));

export const shareRecordSchema = documentOf<ShareRecord>()(
  z.object({
    docType: z.literal('share'),
    shareId: z.string(),
    ucr: z.string(),
    from: msp,
    to: msp,
    agreementId: z.string(),
    purpose: z.enum(PURPOSES),
    categories: z.array(z.enum(DATA_CATEGORIES)),
    fields: z.array(z.enum(PRIVATE_FIELDS)),
    payloadHash: hex64Schema,
    sharedAt: instant,
    retainUntil: instant,
    onward: z.boolean(),
  }),
);

export const accessRequestSchema = documentOf<AccessRequest>()(
  z.object({
    docType: z.literal('access'),
    requestId: z.string(),
    ucr: z.string(),
    by: msp,
    purpose: z.enum(PURPOSES),
    agreementIds: z.array(z.string()),
    shareIds: z.array(z.string()),
    at: instant,
  }),
);

export const PURGE_REASONS = ['agreement-terminated', 'customs-retention-elapsed', 'retention-elapsed'] as const;
export const purgeReceiptSchema = documentOf<PurgeReceipt>()(
  z.object({
    docType: z.literal('purge'),
    ucr: z.string(),
    shareId: z.string().nullable(),
    agreementId: z.string().nullable(),
    holder: msp,
    reason: z.enum(PURGE_REASONS),
    purgedAt: instant,
    txId: z.string(),
  }),
);

export const storedDeclarationSchema = documentOf<StoredDeclaration>()(
  z.object({ ucr: z.string(), fields: privateDeclarationSchema, salts: saltsSchema }),
);

export const sharedCopySchema = documentOf<SharedCopy>()(
  z.object({
    ucr: z.string(),
    shareId: z.string(),
    from: msp,
    agreementId: z.string(),
    purpose: z.enum(PURPOSES),
    categories: z.array(z.enum(DATA_CATEGORIES)),
    fields: privateDeclarationSchema.partial(),
    salts: saltsSchema.partial(),
    sharedAt: instant,
  }),
);

/** A composite key as readers write it: its object type and attributes joined by "/". */
export function keyLabel(stateKey: string): string {
  const NUL = String.fromCharCode(0);
  const trimmed = stateKey.startsWith(NUL) ? stateKey.slice(1, stateKey.endsWith(NUL) ? -1 : undefined) : stateKey;
  return trimmed.split(NUL).join('/');
}

/** A document under a key that its reader could not take: where, and why. */
export interface SkippedDocument {
  key: string;
  reason: string;
}
export const skippedDocumentSchema = z.object({ key: z.string(), reason: z.string() });

/** Why `input` is not a document of `schema`, naming the first field at fault; undefined when it is one. */
export function documentIssue(schema: z.ZodType, input: unknown): string | undefined {
  const result = schema.safeParse(input);
  if (result.success) {
    return undefined;
  }
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).map(String).join('.');
  return `${path === '' ? '(document)' : path}: ${issue?.message ?? 'is invalid'}`;
}

/** What in a well-formed record does not hold together, or undefined. */
export function recordInconsistency(record: ConsignmentRecord): string | undefined {
  if (fieldRootOf(record.fieldHashes) !== record.fieldRoot) {
    return 'fieldRoot is not the root of its fieldHashes';
  }
  const last = record.statusHistory.at(-1);
  if (last === undefined || last.status !== record.status) {
    return 'status is not the last entry of statusHistory';
  }
  if ((record.trader === null) !== (record.traderSignature === null)) {
    return 'a trader without a signature, or a signature without a trader';
  }
  return undefined;
}
