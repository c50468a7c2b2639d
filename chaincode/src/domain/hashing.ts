/** The commitments a declaration is lodged under: whole-document hash, field hashes and their root. */
import { hashCanonical } from './canonical';
import type { Declaration, Salts } from './declaration';
import { fieldHashes, fieldRootOf, type FieldHashes } from './merkle';

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
  const hashes = fieldHashes(declaration, salts);
  return { declarationHash: declarationHashOf(declaration), fieldHashes: hashes, fieldRoot: fieldRootOf(hashes) };
}
