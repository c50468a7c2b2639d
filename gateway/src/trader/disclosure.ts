/**
 * Selective disclosure: a package with the chosen fields' values, their
 * salts and Merkle proofs against the record's fieldRoot, and nothing else
 * of the declaration. Anyone checks it against the record on the ledger; a
 * changed value, a wrong salt or a proof made for another field or another
 * record fails.
 */
import {
  DECLARATION_FIELDS,
  fieldHashes,
  fieldRootOf,
  leafHash,
  proveField,
  verifyFieldProof,
  type ConsignmentRecord,
  type DeclarationField,
  type FieldProof,
  hex64Schema,
} from 'customs-ledger-chaincode/domain';
import { z } from 'zod';
import type { RecordSource } from './record-source';
import type { SignedDeclaration } from './signed-declaration';

export interface DisclosedField {
  field: DeclarationField;
  value: unknown;
  salt: string;
  proof: FieldProof;
}

export interface DisclosurePackage {
  ucr: string;
  fieldRoot: string;
  fields: DisclosedField[];
}

export interface DisclosureVerification {
  valid: boolean;
  ucr: string;
  fields: { field: string; valid: boolean; reason: string }[];
  problems: string[];
}

export function createDisclosure(signed: Pick<SignedDeclaration, 'declaration' | 'salts'>, fields: readonly string[]): DisclosurePackage {
  const unknown = fields.filter((f) => !(DECLARATION_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0 || fields.length === 0) {
    throw new RangeError(`choose fields among ${DECLARATION_FIELDS.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`);
  }
  const hashes = fieldHashes(signed.declaration, signed.salts);
  return {
    ucr: signed.declaration.ucr,
    fieldRoot: fieldRootOf(hashes),
    fields: [...new Set(fields as DeclarationField[])].sort().map((field) => ({ field, value: signed.declaration[field], salt: signed.salts[field], proof: proveField(hashes, field) })),
  };
}

/** Checks a package against a record already read from the ledger. */
export function checkDisclosure(pkg: DisclosurePackage, record: Pick<ConsignmentRecord, 'fieldHashes' | 'fieldRoot' | 'ucr'>): DisclosureVerification {
  const problems: string[] = [];
  if (record.ucr !== pkg.ucr) {
    problems.push(`the record is ${record.ucr}, the package names ${pkg.ucr}`);
  }
  if (pkg.fieldRoot !== record.fieldRoot) {
    problems.push('the package\'s fieldRoot is not the record\'s');
  }
  if (fieldRootOf(record.fieldHashes) !== record.fieldRoot) {
    problems.push('the record\'s fieldRoot is not the root of its field hashes');
  }
  const fields = pkg.fields.map((f) => {
    if (!verifyFieldProof(f.field, f.salt, f.value, f.proof, record.fieldRoot)) {
      return { field: f.field, valid: false, reason: 'the value, salt and proof do not lead to the record\'s fieldRoot' };
    }
    if (leafHash(f.field, f.salt, f.value) !== record.fieldHashes[f.field]) {
      return { field: f.field, valid: false, reason: 'the salted hash differs from the record\'s' };
    }
    return { field: f.field, valid: true, reason: '' };
  });
  return { valid: problems.length === 0 && fields.length > 0 && fields.every((f) => f.valid), ucr: pkg.ucr, fields, problems };
}

export async function verifyDisclosure(pkg: DisclosurePackage, source: RecordSource): Promise<DisclosureVerification> {
  const record = await source.getRecord(pkg.ucr, { fieldHashes: Object.fromEntries(pkg.fields.map((f) => [f.field, leafHash(f.field, f.salt, f.value)])) });
  if (!record) {
    return { valid: false, ucr: pkg.ucr, fields: [], problems: [`no record ${pkg.ucr} on the ledger matches a disclosed field`] };
  }
  return checkDisclosure(pkg, record);
}


const packageSchema = z.strictObject({
  ucr: z.string(),
  fieldRoot: hex64Schema,
  fields: z.array(
    z.strictObject({
      field: z.enum(DECLARATION_FIELDS as [DeclarationField, ...DeclarationField[]]),
      value: z.unknown(),
      salt: hex64Schema,
      proof: z.strictObject({
        field: z.enum(DECLARATION_FIELDS as [DeclarationField, ...DeclarationField[]]),
        index: z.number().int().min(0),
        steps: z.array(z.strictObject({ side: z.enum(['left', 'right']), hash: hex64Schema })),
      }),
    }),
  ),
});

export function parseDisclosurePackage(input: unknown): DisclosurePackage {
  const result = packageSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`disclosure.${(issue?.path ?? []).map(String).join('.')}: ${issue?.message ?? 'is invalid'}`);
  }
  return result.data as DisclosurePackage;
}
