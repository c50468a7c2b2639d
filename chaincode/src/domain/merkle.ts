/**
 * Salted per-field hashes and the field Merkle tree (`fieldRoot`), for
 * selective disclosure: a trader reveals chosen fields with their salts and
 * proofs, and anyone checks them against the root on the ledger.
 *
 * leaf  = SHA-256(0x00 || canonical({"f": field, "s": salt, "v": value}))
 * inner = SHA-256(0x01 || left || right)
 * Leaves are in DECLARATION_FIELDS order (sorted names). An odd node at the
 * end of a level is carried up unchanged, never paired with itself, so no two
 * leaf lists share a root.
 */
import { canonicalJson, sha256Hex } from './canonical';
import { DECLARATION_FIELDS, type Declaration, type DeclarationField, type Salts } from './declaration';

const INNER_HEX = '01';

export function leafHash(field: string, salt: string, value: unknown): string {
  // U+0000 is the single byte 0x00 in UTF-8: the leaf prefix, then the canonical JSON.
  return sha256Hex(`\u0000${canonicalJson({ f: field, s: salt, v: value })}`);
}

function innerHash(left: string, right: string): string {
  return sha256Hex(Buffer.from(`${INNER_HEX}${left}${right}`, 'hex'));
}

export type FieldHashes = Record<DeclarationField, string>;

/** The salted leaf hash of every declaration field. */
export function fieldHashes(declaration: Declaration, salts: Salts): FieldHashes {
  return Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, leafHash(f, salts[f], declaration[f])])) as FieldHashes;
}

/**
 * fieldHashes and fieldRootOf of a declaration whose field values' canonical
 * JSON is known (by field; none for an undefined value), without encoding
 * the values again: leafHash's text is canonical({"f", "s", "v"}), its keys
 * in canonical order.
 */
export function fieldTreeOfJson(valueJson: ReadonlyMap<string, string>, salts: Readonly<Record<DeclarationField, string>>): {
  fieldHashes: FieldHashes;
  fieldRoot: string;
} {
  const hashes: Partial<FieldHashes> = {};
  for (const field of DECLARATION_FIELDS) {
    const value = valueJson.get(field);
    const members = `"f":${canonicalJson(field)},"s":${canonicalJson(salts[field])}`;
    hashes[field] = sha256Hex(value === undefined ? `\u0000{${members}}` : `\u0000{${members},"v":${value}}`);
  }
  return { fieldHashes: hashes as FieldHashes, fieldRoot: fieldRootOf(hashes as FieldHashes) };
}

function levels(leaves: readonly string[]): string[][] {
  if (leaves.length === 0) {
    throw new RangeError('a Merkle tree needs at least one leaf');
  }
  const out: string[][] = [[...leaves]];
  for (let level = out[0]!; level.length > 1; ) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      next.push(right === undefined ? left : innerHash(left, right));
    }
    out.push(next);
    level = next;
  }
  return out;
}

/** Merkle root over the leaf hashes in DECLARATION_FIELDS order. */
export function fieldRootOf(hashes: FieldHashes): string {
  const all = levels(DECLARATION_FIELDS.map((f) => hashes[f]));
  return all[all.length - 1]![0]!;
}

export interface ProofStep {
  /** Which side the sibling hash sits on. */
  side: 'left' | 'right';
  hash: string;
}

export interface FieldProof {
  field: DeclarationField;
  index: number;
  steps: ProofStep[];
}

/** A proof that the leaf of `field` is in the tree over `hashes`. */
export function proveField(hashes: FieldHashes, field: DeclarationField): FieldProof {
  const index = DECLARATION_FIELDS.indexOf(field);
  if (index < 0) {
    throw new RangeError(`unknown field ${field}`);
  }
  const all = levels(DECLARATION_FIELDS.map((f) => hashes[f]));
  const steps: ProofStep[] = [];
  let i = index;
  for (let l = 0; l < all.length - 1; l++) {
    const level = all[l]!;
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length) {
      steps.push({ side: i % 2 === 0 ? 'right' : 'left', hash: level[sibling]! });
    }
    i = Math.floor(i / 2);
  }
  return { field, index, steps };
}

/** Recomputes the root from a disclosed field value, its salt and its proof. */
export function rootFromProof(field: string, salt: string, value: unknown, proof: FieldProof): string {
  let hash = leafHash(field, salt, value);
  for (const step of proof.steps) {
    hash = step.side === 'left' ? innerHash(step.hash, hash) : innerHash(hash, step.hash);
  }
  return hash;
}

export function verifyFieldProof(field: string, salt: string, value: unknown, proof: FieldProof, root: string): boolean {
  if (proof.field !== field || DECLARATION_FIELDS[proof.index] !== field) {
    return false;
  }
  // The path must be the one this field's position implies, or a proof for another leaf could be reused.
  const expected = expectedSides(proof.index);
  if (expected.length !== proof.steps.length || expected.some((side, k) => proof.steps[k]!.side !== side)) {
    return false;
  }
  return rootFromProof(field, salt, value, proof) === root;
}

function expectedSides(index: number): ('left' | 'right')[] {
  const sides: ('left' | 'right')[] = [];
  let width = DECLARATION_FIELDS.length;
  let i = index;
  while (width > 1) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < width) {
      sides.push(i % 2 === 0 ? 'right' : 'left');
    }
    i = Math.floor(i / 2);
    width = Math.ceil(width / 2);
  }
  return sides;
}
