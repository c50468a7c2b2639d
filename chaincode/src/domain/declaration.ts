/**
 * The consignment declaration: its public part (on the shared ledger) and its
 * private part (only in private data collections), every private field in
 * exactly one data category, and the parsers that turn `unknown` into these
 * types or name the field that is wrong.
 */
import { z } from 'zod';
import { ISO_COUNTRIES, ISO_CURRENCIES, isIso6346 } from './codes';
import { parseWith } from './parse';
import { HEX64 } from './patterns';

export const DATA_CATEGORIES = ['goods', 'parties', 'security', 'transport', 'valuation'] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export const DECLARATION_TYPES = ['export', 'import', 'transit'] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

/** Public fields, in the order they are documented; hashing sorts them anyway. */
export const PUBLIC_FIELDS = ['ucr', 'type', 'office', 'destinationCountry'] as const;
export type PublicField = (typeof PUBLIC_FIELDS)[number];

/** Every private field and the one category it belongs to. */
export const PRIVATE_FIELD_CATEGORY = {
  consignor: 'parties',
  consignee: 'parties',
  declarant: 'parties',
  goodsItems: 'goods',
  customsValue: 'valuation',
  invoice: 'valuation',
  transportMode: 'transport',
  transportDocument: 'transport',
  containers: 'transport',
  seals: 'security',
  dangerousGoods: 'security',
} as const satisfies Record<string, DataCategory>;
export type PrivateField = keyof typeof PRIVATE_FIELD_CATEGORY;
export const PRIVATE_FIELDS = Object.keys(PRIVATE_FIELD_CATEGORY).sort() as PrivateField[];

export type DeclarationField = PublicField | PrivateField;
/** All fields of a declaration, sorted: the leaf order of the field Merkle tree. */
export const DECLARATION_FIELDS: readonly DeclarationField[] = [...PUBLIC_FIELDS, ...PRIVATE_FIELDS].sort();

export function categoryOf(field: PrivateField): DataCategory {
  return PRIVATE_FIELD_CATEGORY[field];
}

/** The private fields of the given categories, sorted. */
export function fieldsOfCategories(categories: readonly DataCategory[]): PrivateField[] {
  return PRIVATE_FIELDS.filter((f) => categories.includes(PRIVATE_FIELD_CATEGORY[f]));
}

export function isPrivateField(name: string): name is PrivateField {
  return Object.prototype.hasOwnProperty.call(PRIVATE_FIELD_CATEGORY, name);
}

// ---- formats ----------------------------------------------------------------

/**
 * A code list as one regular-expression alternation. The lists are checked
 * as patterns, not only as set lookups, so that a schema generated from
 * these (the gateway's OpenAPI document) states exactly what is accepted.
 */
const alternation = (codes: ReadonlySet<string>): string => `(?:${[...codes].sort().join('|')})`;
const COUNTRY = alternation(ISO_COUNTRIES);
const country = z.string().regex(new RegExp(`^${COUNTRY}$`), 'must be an ISO 3166-1 alpha-2 country code');
const currency = z.string().regex(new RegExp(`^${alternation(ISO_CURRENCIES)}$`), 'must be an ISO 4217 currency code');
const text = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');
/** A non-negative decimal as a string, so no float is ever hashed. */
const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$/, 'must be a decimal string such as "1250.50"');
const isoDate = z
  .string()
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => {
    // zod runs this even when the pattern failed: an unparseable text is refused here, not thrown on.
    const time = Date.parse(`${d}T00:00:00Z`);
    return Number.isFinite(time) && new Date(time).toISOString().startsWith(d);
  }, 'must be a real calendar date');

/** WCO Unique Consignment Reference (ISO 15459 based): year digit, country, identifier, optional reference. */
export const ucrSchema = z
  .string()
  .max(35, 'must be at most 35 characters')
  .regex(/^[0-9][A-Z]{2}[0-9A-Z]{1,32}(-[0-9A-Z]{1,31})?$/, 'must be a WCO UCR such as 6NL123456789-C001')
  .regex(new RegExp(`^[0-9]${COUNTRY}`), 'must carry an ISO country code after its year digit');

/** UN/LOCODE of a customs office: country code and three letters or digits 2-9. */
export const locodeSchema = z
  .string()
  .regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'must be a UN/LOCODE such as NLRTM')
  .regex(new RegExp(`^${COUNTRY}`), 'must start with an ISO country code');

export const hsCodeSchema = z.string().regex(/^[0-9]{6}([0-9]{2}([0-9]{2})?)?$/, 'must be an HS code of 6, 8 or 10 digits');

/** EORI (country + up to 15 characters) or another trader identification number. */
const traderId = z.string().regex(/^[A-Z]{2}[0-9A-Z]{1,15}$/, 'must be an EORI or TIN such as NL123456789');

const party = z.strictObject({
  id: traderId.nullable(),
  name: text(70),
  country,
});

const goodsItem = z.strictObject({
  sequence: z.number().int().min(1).max(999),
  hsCode: hsCodeSchema,
  description: text(512),
  packages: z.number().int().min(0).max(99_999_999),
  grossMassKg: decimal,
  netMassKg: decimal,
  originCountry: country,
});

export const TRANSPORT_MODES = ['air', 'fixed-installation', 'inland-waterway', 'postal', 'rail', 'road', 'sea'] as const;
export const TRANSPORT_DOCUMENT_TYPES = ['air-waybill', 'bill-of-lading', 'cmr', 'other', 'rail-waybill', 'sea-waybill'] as const;

export const publicDeclarationSchema = z.strictObject({
  ucr: ucrSchema,
  type: z.enum(DECLARATION_TYPES),
  office: locodeSchema,
  destinationCountry: country,
});

export const privateDeclarationSchema = z.strictObject({
  consignor: party,
  consignee: party,
  declarant: party.extend({ id: traderId }),
  goodsItems: z
    .array(goodsItem)
    .min(1, 'must list at least one goods item')
    .max(999)
    .refine((items) => items.every((item, i) => item.sequence === i + 1), 'sequence numbers must run 1, 2, 3, ...'),
  customsValue: z.strictObject({ amount: decimal, currency }),
  invoice: z.strictObject({ number: text(35), date: isoDate }),
  transportMode: z.enum(TRANSPORT_MODES),
  transportDocument: z.strictObject({ type: z.enum(TRANSPORT_DOCUMENT_TYPES), number: text(35) }),
  containers: z
    .array(z.string().refine(isIso6346, 'must be an ISO 6346 container number with a valid check digit'))
    .max(99),
  seals: z.array(text(35)).max(99),
  dangerousGoods: z.array(z.string().regex(/^UN[0-9]{4}$/, 'must be a UN number such as UN1203')).max(99),
});

export type PublicDeclaration = z.infer<typeof publicDeclarationSchema>;
export type PrivateDeclaration = z.infer<typeof privateDeclarationSchema>;
/** The trader's whole document: what `declarationHash` is taken over. */
export type Declaration = PublicDeclaration & PrivateDeclaration;

export const declarationSchema = z.strictObject({
  ...publicDeclarationSchema.shape,
  ...privateDeclarationSchema.shape,
});

/** 32 random bytes as 64 lowercase hex digits, one per declaration field. */
export const saltSchema = z.string().regex(HEX64, 'must be 32 bytes as 64 lowercase hex digits');
export type Salts = Record<DeclarationField, string>;
export const saltsSchema = z.strictObject(
  Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, saltSchema])) as Record<DeclarationField, typeof saltSchema>,
);

export function parseDeclaration(input: unknown, label = 'declaration'): Declaration {
  return parseWith(declarationSchema, input, label);
}
export function parsePublicDeclaration(input: unknown, label = 'declaration'): PublicDeclaration {
  return parseWith(publicDeclarationSchema, input, label);
}
export function parsePrivateDeclaration(input: unknown, label = 'declaration'): PrivateDeclaration {
  return parseWith(privateDeclarationSchema, input, label);
}
export function parseSalts(input: unknown, label = 'salts'): Salts {
  return parseWith(saltsSchema, input, label) as Salts;
}

/** Splits a whole declaration into its public and private parts. */
export function splitDeclaration(d: Declaration): { publicPart: PublicDeclaration; privatePart: PrivateDeclaration } {
  const publicPart = { ucr: d.ucr, type: d.type, office: d.office, destinationCountry: d.destinationCountry };
  const privatePart = Object.fromEntries(PRIVATE_FIELDS.map((f) => [f, d[f]])) as PrivateDeclaration;
  return { publicPart, privatePart };
}
