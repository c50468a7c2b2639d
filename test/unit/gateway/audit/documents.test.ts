/**
 * The auditor's document parsers: a consignment record is checked by hand
 * first (the replay parses one per lodgement) and by its zod schema when the
 * quick check has any doubt, so both must agree on what is a record and
 * what it parses to.
 */
import { strict as assert } from 'node:assert';
import { commitDeclaration, splitDeclaration, type ConsignmentRecord } from 'customs-ledger-chaincode/domain';
import { DocumentError, parseConsignmentRecord } from 'customs-ledger-gateway/dist/audit';
import { randomSalts, sampleDeclaration } from '../../../support/fixtures';

function record(): ConsignmentRecord {
  const declaration = sampleDeclaration();
  const commitment = commitDeclaration(declaration, randomSalts());
  const now = '2026-11-28T10:00:00.000Z';
  return {
    docType: 'consignment',
    ...splitDeclaration(declaration).publicPart,
    originator: 'NLCustomsMSP',
    declarationVersion: 1,
    declarationHash: commitment.declarationHash,
    fieldRoot: commitment.fieldRoot,
    fieldHashes: commitment.fieldHashes,
    trader: `0x${'ab'.repeat(20)}`,
    traderSignature: `0x${'cd'.repeat(65)}`,
    status: 'lodged',
    statusHistory: [{ status: 'lodged', at: now, reason: 'lodged', by: 'NLCustomsMSP', txId: 'tx1' }],
    lodgedAt: now,
    lodgeTxId: 'tx1',
    updatedAt: now,
    privatePurgedAt: null,
  };
}

const json = (o: unknown): unknown => JSON.parse(JSON.stringify(o)) as unknown;

describe('audit documents: consignment records', () => {
  it('parses a record to exactly its schema\'s fields, unknown ones dropped', () => {
    const r = record();
    assert.deepEqual(parseConsignmentRecord(json(r)), r);
    const extra = { ...r, extra: 1, statusHistory: [{ ...r.statusHistory[0], note: 'x' }] };
    assert.deepEqual(parseConsignmentRecord(json(extra)), r);
    const unsigned = { ...r, trader: null, traderSignature: null, privatePurgedAt: '2027-01-01T00:00:00.000Z', statusHistory: [] };
    assert.deepEqual(parseConsignmentRecord(json(unsigned)), unsigned);
  });

  it('refuses every record the schema refuses, naming the field', () => {
    const r = record();
    const field = Object.keys(r.fieldHashes)[0]!;
    const broken: [string, unknown][] = [
      ['docType', { ...r, docType: 'share' }],
      ['ucr', { ...r, ucr: 7 }],
      ['type', { ...r, type: 'other' }],
      ['originator', { ...r, originator: '' }],
      ['declarationVersion', { ...r, declarationVersion: 0 }],
      ['declarationVersion', { ...r, declarationVersion: 1.5 }],
      ['declarationVersion', { ...r, declarationVersion: '1' }],
      ['declarationHash', { ...r, declarationHash: r.declarationHash.toUpperCase() }],
      ['fieldRoot', { ...r, fieldRoot: 'ab' }],
      ['fieldHashes', { ...r, fieldHashes: { ...r.fieldHashes, another: 'a'.repeat(64) } }],
      ['fieldHashes', { ...r, fieldHashes: { ...r.fieldHashes, [field]: undefined } }],
      ['fieldHashes', { ...r, fieldHashes: { ...r.fieldHashes, [field]: 'x'.repeat(64) } }],
      ['fieldHashes', { ...r, fieldHashes: [] }],
      ['trader', { ...r, trader: 5 }],
      ['traderSignature', { ...r, traderSignature: undefined }],
      ['status', { ...r, status: 'gone' }],
      ['statusHistory', { ...r, statusHistory: {} }],
      ['statusHistory', { ...r, statusHistory: [{ ...r.statusHistory[0], at: 'not a time' }] }],
      ['statusHistory', { ...r, statusHistory: [{ ...r.statusHistory[0], by: '' }] }],
      ['statusHistory', { ...r, statusHistory: [null] }],
      ['lodgedAt', { ...r, lodgedAt: 'yesterday' }],
      ['lodgeTxId', { ...r, lodgeTxId: null }],
      ['updatedAt', { ...r, updatedAt: undefined }],
      ['privatePurgedAt', { ...r, privatePurgedAt: undefined }],
    ];
    for (const [name, doc] of broken) {
      assert.throws(() => parseConsignmentRecord(json(doc)), (err: unknown) => err instanceof DocumentError && err.message.includes(name), name);
    }
    for (const doc of [null, [], 'record', 1]) {
      assert.throws(() => parseConsignmentRecord(doc), DocumentError);
    }
  });
});
