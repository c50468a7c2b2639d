import { strict as assert } from 'node:assert';
import {
  DECLARATION_FIELDS,
  commitDeclaration,
  fieldHashes,
  fieldRootOf,
  leafHash,
  proveField,
  verifyFieldProof,
} from 'customs-ledger-chaincode/domain';
import { randomSalts, sampleDeclaration } from '../../../support/fixtures';

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
