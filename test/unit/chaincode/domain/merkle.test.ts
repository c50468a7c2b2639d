import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  DECLARATION_FIELDS,
  commitDeclaration,
  declarationHashOf,
  fieldHashes,
  fieldRootOf,
  leafHash,
  proveField,
  verifyFieldProof,
  type Declaration,
  type FieldHashes,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import { randomSalts, sampleDeclaration } from '../../../support/fixtures';
import { randomJson, seededBytes } from '../../../support/random';

describe('domain/merkle', () => {
  const declaration = sampleDeclaration();
  const salts = randomSalts();
  const hashes = fieldHashes(declaration, salts);
  const root = fieldRootOf(hashes);

  it('proves every field against the root', () => {
    for (const field of DECLARATION_FIELDS) {
      const proof = proveField(hashes, field);
      assert.equal(verifyFieldProof(field, salts[field], declaration[field], proof, root), true, field);
    }
  });

  it('fails a proof for a changed value, a changed salt, or another root', () => {
    const proof = proveField(hashes, 'customsValue');
    assert.equal(verifyFieldProof('customsValue', salts.customsValue, { amount: '1.00', currency: 'EUR' }, proof, root), false);
    assert.equal(verifyFieldProof('customsValue', salts.consignee, declaration.customsValue, proof, root), false);
    const otherRoot = fieldRootOf(fieldHashes(declaration, randomSalts()));
    assert.equal(verifyFieldProof('customsValue', salts.customsValue, declaration.customsValue, proof, otherRoot), false);
  });

  it('refuses a proof made for another field, even with that field\'s value', () => {
    const proofForInvoice = proveField(hashes, 'invoice');
    assert.equal(verifyFieldProof('customsValue', salts.invoice, declaration.invoice, proofForInvoice, root), false);
    const relabelled = { ...proofForInvoice, field: 'customsValue' as const };
    assert.equal(verifyFieldProof('customsValue', salts.invoice, declaration.invoice, relabelled, root), false);
  });

  it('refuses a proof whose path was reordered', () => {
    const proof = proveField(hashes, 'seals');
    const flipped = { ...proof, steps: proof.steps.map((s) => ({ ...s, side: s.side === 'left' ? ('right' as const) : ('left' as const) })) };
    assert.equal(verifyFieldProof('seals', salts.seals, declaration.seals, flipped, root), false);
  });

  it('changes the root when any single field changes', () => {
    const roots = new Set([root]);
    for (const field of DECLARATION_FIELDS) {
      const changed = { ...hashes, [field]: leafHash(field, salts[field], 'something else') };
      roots.add(fieldRootOf(changed));
    }
    assert.equal(roots.size, DECLARATION_FIELDS.length + 1);
  });

  it('binds the field name into each leaf', () => {
    assert.notEqual(leafHash('seals', salts.seals, ['x']), leafHash('containers', salts.seals, ['x']));
  });

  it('commits to the whole declaration hash and the field root together', () => {
    const c = commitDeclaration(declaration, salts);
    assert.equal(c.fieldRoot, root);
    assert.match(c.declarationHash, /^[0-9a-f]{64}$/);
    assert.notEqual(commitDeclaration({ ...declaration, office: 'BEANR' }, salts).declarationHash, c.declarationHash);
  });
});

/**
 * The commitment as its definition reads, for values the canonical encoding
 * accepts: leaf = SHA-256(0x00 ‖ canonical({f, s, v})), inner = SHA-256(0x01
 * ‖ left ‖ right) with an odd last node carried up, and SHA-256 of the whole
 * declaration's canonical JSON, each encoded by the canonicalize package.
 */
const reference = {
  sha256: (data: Buffer | string): string => createHash('sha256').update(data).digest('hex'),
  leaf(field: string, salt: unknown, value: unknown): string {
    return reference.sha256(Buffer.concat([Buffer.of(0), Buffer.from(canonicalize({ f: field, s: salt, v: value })!, 'utf8')]));
  },
  root(leaves: readonly string[]): string {
    let level = [...leaves];
    while (level.length > 1) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += 2) {
        const right = level[i + 1];
        next.push(right === undefined ? level[i]! : reference.sha256(Buffer.from(`01${level[i]}${right}`, 'hex')));
      }
      level = next;
    }
    return level[0]!;
  },
  commit(declaration: Declaration, salts: Record<string, unknown>): { declarationHash: string; fieldHashes: FieldHashes; fieldRoot: string } {
    const hashes = Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, reference.leaf(f, salts[f], declaration[f])])) as FieldHashes;
    return {
      declarationHash: reference.sha256(canonicalize(declaration)!),
      fieldHashes: hashes,
      fieldRoot: reference.root(DECLARATION_FIELDS.map((f) => hashes[f])),
    };
  },
};

describe('domain/merkle and the commitment against their definition', () => {
  const random = seededBytes('merkle');
  const value = randomJson(random);
  const salt = (): string => random(32).toString('hex');
  const seededSalts = (): Salts => Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, salt()])) as Salts;

  /** A sample declaration with some fields replaced by random JSON, dropped, left undefined, or joined by extra keys. */
  function randomDeclaration(): Declaration {
    const declaration: Record<string, unknown> = { ...sampleDeclaration({ ucr: `6NL123456789-C${random(3).toString('hex').toUpperCase()}` }) };
    for (const field of DECLARATION_FIELDS) {
      const roll = random(1)[0]! % 10;
      if (roll === 0) {
        delete declaration[field];
      } else if (roll === 1) {
        declaration[field] = undefined;
      } else if (roll < 5) {
        declaration[field] = value();
      }
    }
    if (random(1)[0]! % 4 === 0) {
      declaration[`extra${random(1)[0]! % 3}`] = value();
    }
    return (random(1)[0]! % 8 === 0 ? Object.assign(Object.create(null), declaration) : declaration) as Declaration;
  }

  it('commits to 2,000 random declarations and salts exactly as the definition does', () => {
    for (let i = 0; i < 2000; i++) {
      const declaration = randomDeclaration();
      const salts = seededSalts();
      const expected = reference.commit(declaration, salts);
      const commitment = commitDeclaration(declaration, salts);
      assert.deepEqual(commitment, expected, `declaration ${i}`);
      assert.deepEqual(Object.keys(commitment.fieldHashes), DECLARATION_FIELDS);
      assert.deepEqual(fieldHashes(declaration, salts), expected.fieldHashes);
      assert.equal(fieldRootOf(expected.fieldHashes), expected.fieldRoot);
      assert.equal(declarationHashOf(declaration), expected.declarationHash);
      const field = DECLARATION_FIELDS[i % DECLARATION_FIELDS.length]!;
      assert.equal(leafHash(field, salts[field], declaration[field]), expected.fieldHashes[field]);
    }
  });

  it('encodes salts that are not strings and a missing salt as the definition does', () => {
    const declaration = sampleDeclaration();
    const odd: unknown[] = [undefined, null, 7, '', 'ÄB"\\', { a: [1] }, ['x']];
    for (const [k, s] of odd.entries()) {
      const salts: Record<string, unknown> = { ...seededSalts(), [DECLARATION_FIELDS[k]!]: s };
      assert.deepEqual(commitDeclaration(declaration, salts as Salts), reference.commit(declaration, salts), String(s));
    }
  });

  it('reads a field a declaration inherits, as the leaf always has', () => {
    const declaration: Partial<Declaration> = sampleDeclaration();
    delete declaration.seals;
    const salts = randomSalts();
    Object.defineProperty(Object.prototype, 'seals', { value: ['inherited'], configurable: true, writable: true });
    try {
      const commitment = commitDeclaration(declaration as Declaration, salts);
      assert.equal(commitment.fieldHashes.seals, reference.leaf('seals', salts.seals, ['inherited']));
      assert.deepEqual(commitment, reference.commit(declaration as Declaration, salts));
    } finally {
      delete (Object.prototype as { seals?: unknown }).seals;
    }
    const inheriting = Object.assign(Object.create({ seals: ['inherited'] }) as object, declaration) as Declaration;
    assert.equal(fieldHashes(inheriting, salts).seals, reference.leaf('seals', salts.seals, ['inherited']));
    assert.throws(() => commitDeclaration(inheriting, salts), /^TypeError: \$: only plain objects may be hashed$/);
  });

  it('refuses what cannot be hashed with the error the field-by-field way gives, leaves first', () => {
    const declaration = sampleDeclaration();
    const salts = randomSalts();
    const bad = (change: Record<string, unknown>): Declaration => ({ ...declaration, ...change }) as Declaration;
    assert.throws(() => commitDeclaration(bad({ seals: [1.5] }), salts), /^TypeError: \$\.v\[0\]: only safe integers may be hashed, got 1\.5$/);
    assert.throws(() => commitDeclaration(bad({ extra: 1.5, seals: [2.5] }), salts), /got 2\.5$/);
    assert.throws(() => commitDeclaration(bad({ extra: { n: 1n } }), salts), /^TypeError: \$\.extra\.n: bigint has no JSON representation$/);
    assert.throws(() => commitDeclaration(declaration, { ...salts, invoice: 0.5 } as unknown as Salts), /^TypeError: \$\.s: only safe integers may be hashed, got 0\.5$/);
    assert.throws(() => commitDeclaration(declaration, null as unknown as Salts), /^TypeError: Cannot read properties of null \(reading 'consignee'\)$/);
    assert.throws(() => commitDeclaration(new Date(0) as unknown as Declaration, salts), /^TypeError: \$: only plain objects may be hashed$/);
  });

  it('computes the root of leaf hashes in any form as the definition does', () => {
    const hashes = fieldHashes(sampleDeclaration(), randomSalts());
    const forms: Record<string, unknown>[] = [
      hashes,
      { ...hashes, seals: hashes.seals.toUpperCase() },
      { ...hashes, seals: 'zz' },
      { ...hashes, seals: undefined },
      { ...hashes, ucr: `${hashes.ucr}00` },
    ];
    for (const form of forms) {
      assert.equal(fieldRootOf(form as FieldHashes), reference.root(DECLARATION_FIELDS.map((f) => form[f] as string)));
    }
  });
});
