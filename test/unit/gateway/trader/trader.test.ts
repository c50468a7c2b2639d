import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { Wallet } from 'ethers';
import { commitDeclaration, splitDeclaration, type Declaration } from 'customs-ledger-chaincode/domain';
import { backends, type EmbeddedNetwork, type LedgerBackend } from 'customs-ledger-gateway/dist/ledger';
import { blockSources } from 'customs-ledger-gateway/dist/audit';
import {
  buildInclusionProof,
  createDisclosure,
  generateKeystore,
  openKeystore,
  parseSignedDeclaration,
  recordSources,
  signDeclaration,
  signatureIsValid,
  verifyDisclosure,
  verifyDocument,
  verifyInclusionProof,
  type RecordSource,
  type SignedDeclaration,
} from 'customs-ledger-gateway/dist/trader';
import { CHANNEL_ID, NL, startNetwork } from '../../../support/audit-ledger';
import { lodgeOn, sampleDeclaration } from '../../../support/fixtures';

describe('trader integrity proofs', function () {
  this.timeout(60_000);
  let dir: string;
  let network: EmbeddedNetwork;
  let nl: LedgerBackend;
  let source: RecordSource;
  let wallet: Wallet;
  let signed: SignedDeclaration;

  const lodge = async (s: SignedDeclaration, commitment: { declarationHash: string; fieldRoot: string }): Promise<void> => {
    const { publicPart, privatePart } = splitDeclaration(s.declaration);
    const facts = { declarationHash: commitment.declarationHash, fieldRoot: commitment.fieldRoot, fieldHashes: commitDeclaration(s.declaration, s.salts).fieldHashes };
    await lodgeOn(nl, network.wallet(NL).officer, {
      declaration: s.declaration,
      salts: s.salts,
      args: [JSON.stringify({ ...publicPart, ...facts, trader: s.trader, traderSignature: s.signature })],
      transient: { declaration: { fields: privatePart, salts: s.salts } },
      ...facts,
    });
  };

  before(async () => {
    ({ dir, network } = await startNetwork());
    nl = backends.embedded(network, NL);
    source = recordSources.backend(nl, network.wallet(NL).auditor);
    const { keystore, address } = await generateKeystore('correct horse battery', { scryptN: 1024 });
    wallet = await openKeystore(keystore, 'correct horse battery');
    assert.equal(wallet.address, address);
    await assert.rejects(openKeystore(keystore, 'wrong passphrase'), /^Error: the passphrase does not open this keystore$/);
    await assert.rejects(openKeystore('{"not":"a keystore"}', 'correct horse battery'), /not an encrypted JSON keystore/);
    signed = await signDeclaration(sampleDeclaration(), wallet, { authority: NL, channelId: CHANNEL_ID });
    await lodge(signed, commitDeclaration(signed.declaration, signed.salts));
  });
  after(async () => {
    await network.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs with 32-byte salts per field; the file parses back and its signature verifies', () => {
    assert.ok(Object.values(signed.salts).every((s) => /^[0-9a-f]{64}$/.test(s)));
    const reread = parseSignedDeclaration(JSON.parse(JSON.stringify(signed)));
    assert.ok(signatureIsValid(reread));
  });

  it('fails a signature made by another key', async () => {
    const other = await signDeclaration(signed.declaration, Wallet.createRandom(), { authority: NL, channelId: CHANNEL_ID, salts: signed.salts });
    assert.equal(signatureIsValid({ ...signed, signature: other.signature }), false);
    assert.equal(signatureIsValid({ ...signed, authority: 'BECustomsMSP' }), false);
  });

  it('verifies the exact document: match, tx, block, time, originator and signer', async () => {
    const result = await verifyDocument(signed.declaration, source, { channelId: CHANNEL_ID, salts: signed.salts });
    assert.equal(result.match, true);
    assert.equal(result.originator, NL);
    assert.ok(result.blockNumber !== null && result.blockNumber >= 1);
    assert.ok(result.transactionId && result.committedAt);
    assert.equal(result.trader?.address, wallet.address.toLowerCase());
    assert.equal(result.trader?.signatureValid, true);
    assert.deepEqual(result.mismatchedFields, []);
  });

  it('fails a document with one field changed and names the field', async () => {
    const changed: Declaration = { ...signed.declaration, customsValue: { amount: '1.00', currency: 'EUR' } };
    const result = await verifyDocument(changed, source, { channelId: CHANNEL_ID, salts: signed.salts });
    assert.equal(result.match, false);
    assert.deepEqual(result.mismatchedFields, ['customsValue']);
    const unknown = await verifyDocument(sampleDeclaration(), source, { channelId: CHANNEL_ID });
    assert.equal(unknown.match, false);
    assert.equal(unknown.recordedDeclarationHash, null);
  });

  it('discloses chosen fields only; a changed value or a foreign proof fails', async () => {
    const pkg = createDisclosure(signed, ['goodsItems', 'customsValue']);
    assert.deepEqual(Object.keys(pkg).sort(), ['fieldRoot', 'fields', 'ucr']);
    assert.deepEqual(pkg.fields.map((f) => f.field), ['customsValue', 'goodsItems']);
    assert.equal((await verifyDisclosure(pkg, source)).valid, true);

    const changed = { ...pkg, fields: pkg.fields.map((f) => (f.field === 'customsValue' ? { ...f, value: { amount: '1.00', currency: 'EUR' } } : f)) };
    const bad = await verifyDisclosure(changed, source);
    assert.equal(bad.valid, false);
    assert.deepEqual(bad.fields.filter((f) => !f.valid).map((f) => f.field), ['customsValue']);

    const otherField = createDisclosure(signed, ['invoice']).fields[0]!;
    const foreignProof = { ...pkg, fields: [{ ...pkg.fields[0]!, proof: otherField.proof }] };
    assert.equal((await verifyDisclosure(foreignProof, source)).valid, false);

    const otherRecord = createDisclosure({ declaration: sampleDeclaration({ ucr: signed.declaration.ucr }), salts: signed.salts }, ['customsValue']);
    const fromOtherTree = { ...pkg, fields: [{ ...pkg.fields[0]!, proof: otherRecord.fields[0]!.proof }] };
    assert.equal((await verifyDisclosure(fromOtherTree, source)).valid, true, 'same value and salt, same leaf: the proof path is what matters');
    const foreignTree = createDisclosure({ declaration: sampleDeclaration({ ucr: signed.declaration.ucr, invoice: { number: 'X-1', date: '2026-01-01' } }), salts: signed.salts }, ['customsValue']);
    const wrongSiblings = { ...pkg, fields: [{ ...pkg.fields[0]!, proof: foreignTree.fields[0]!.proof }] };
    assert.equal((await verifyDisclosure(wrongSiblings, source)).valid, false);
  });

  it('builds an inclusion proof that verifies offline, and fails when a header in the chain is altered', async () => {
    for (let i = 0; i < 3; i++) {
      const more = await signDeclaration(sampleDeclaration(), wallet, { authority: NL, channelId: CHANNEL_ID });
      await lodge(more, commitDeclaration(more.declaration, more.salts));
    }
    const blocks = blockSources.backend(nl);
    const proof = await buildInclusionProof(signed.declaration.ucr, source, blocks);
    assert.ok(proof.chain.length >= 3);
    const head = (await nl.blockInfo((await nl.blockHeight()) - 1)).headerHash;
    const offline = JSON.parse(JSON.stringify(proof)) as typeof proof;
    const check = verifyInclusionProof(offline, { trustedHeadHash: head, declarationHash: (await source.getRecord(signed.declaration.ucr))!.declarationHash });
    assert.deepEqual(check.problems, []);
    assert.equal(check.valid, true);

    const altered = { ...offline, chain: offline.chain.map((h, i) => (i === 1 ? { ...h, dataHash: 'ff'.repeat(32) } : h)) };
    const failed = verifyInclusionProof(altered, { trustedHeadHash: head });
    assert.equal(failed.valid, false);
    assert.ok(failed.problems.some((p) => /does not link/.test(p)));
    const otherEnvelope = { ...offline, block: { ...offline.block, envelopes: [...offline.block.envelopes].reverse() } };
    assert.equal(verifyInclusionProof(otherEnvelope).valid, offline.block.envelopes.length === 1 ? true : false);
  });
});
