/** The commitments a declaration is lodged under: whole-document hash, field hashes and their root. */
import { canonicalMembers, hashCanonical, sha256Hex } from './canonical';
import { DECLARATION_FIELDS, type Declaration, type Salts } from './declaration';
import { fieldHashes, fieldRootOf, fieldTreeOfJson, type FieldHashes } from './merkle';

/** SHA-256 of the RFC 8785 canonical JSON of the whole declaration. */
export function declarationHashOf(declaration: Declaration): string {
  return hashCanonical(declaration);
}

export interface DeclarationCommitment {
  declarationHash: string;
  fieldHashes: FieldHashes;
  fieldRoot: string;
}

export function commitDeclaration(declaration: Declaration, salts: Salts): DeclarationCommitment {
  // Each field value is encoded once, for its leaf and for the whole document, when the declaration is
  // plain JSON with string salts; anything else (which may throw) takes the field-by-field way.
  const encoded = canonicalMembers(declaration);
  const plain =
    encoded !== undefined &&
    typeof salts === 'object' &&
    salts !== null &&
    DECLARATION_FIELDS.every((f) => typeof salts[f] === 'string' && (encoded.members.has(f) || declaration[f] === undefined));
  if (plain) {
    return { declarationHash: sha256Hex(encoded.json), ...fieldTreeOfJson(encoded.members, salts) };
  }
  const hashes = fieldHashes(declaration, salts);
  return { declarationHash: declarationHashOf(declaration), fieldHashes: hashes, fieldRoot: fieldRootOf(hashes) };
}
