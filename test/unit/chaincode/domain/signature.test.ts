import { strict as assert } from 'node:assert';
import { Signature, TypedDataEncoder } from 'ethers';
import {
  declarationDigest,
  declarationTypedData,
  recoverSigner,
  verifyDeclarationSignature,
  type SignedDeclarationFacts,
} from 'customs-ledger-chaincode/domain';
import { newTrader } from '../../../support/fixtures';

describe('domain/signature (EIP-712)', () => {
  const trader = newTrader();
  const facts: SignedDeclarationFacts = {
    ucr: '6NL123456789-C0001',
    declarationHash: 'a'.repeat(64),
    fieldRoot: 'b'.repeat(64),
    authority: 'NLCustomsMSP',
    version: 1,
  };
  let signature: string;
  before(async () => {
    const t = declarationTypedData('customs', facts);
    signature = await trader.signTypedData(t.domain, t.types, t.value);
  });

  it('verifies the trader\'s signature and recovers its address', () => {
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address, signature), true);
    assert.equal(recoverSigner(declarationDigest('customs', facts), signature), trader.address);
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address.toLowerCase(), signature), true);
  });

  const replays: [string, Partial<SignedDeclarationFacts>, string][] = [
    ['another record', { ucr: '6NL123456789-C0002' }, 'customs'],
    ['another version', { version: 2 }, 'customs'],
    ['another authority', { authority: 'BECustomsMSP' }, 'customs'],
    ['another declaration hash', { declarationHash: 'c'.repeat(64) }, 'customs'],
    ['another field root', { fieldRoot: 'c'.repeat(64) }, 'customs'],
    ['another channel', {}, 'customs-test'],
  ];
  for (const [name, change, channel] of replays) {
    it(`refuses the signature replayed onto ${name}`, () => {
      assert.equal(verifyDeclarationSignature(channel, { ...facts, ...change }, trader.address, signature), false);
    });
  }

  it('computes the digest ethers\' EIP-712 encoder computes, and refuses what it refuses', () => {
    const cases: Partial<SignedDeclarationFacts>[] = [{}, { ucr: '' }, { ucr: 'ünïcödé 😀 €' }, { version: 0 }, { version: 2 ** 32 - 1 }, { fieldRoot: 'AB'.repeat(32) }, { authority: 'x'.repeat(300) }];
    for (const change of cases) {
      const f = { ...facts, ...change };
      const t = declarationTypedData('customs', f);
      assert.equal(declarationDigest('customs', f), TypedDataEncoder.hash(t.domain, t.types, t.value), JSON.stringify(change));
    }
    for (const change of [{ version: 2 ** 32 }, { version: -1 }, { version: 1.5 }, { declarationHash: 'ab' }, { fieldRoot: 'z'.repeat(64) }]) {
      const t = declarationTypedData('customs', { ...facts, ...change });
      assert.throws(() => TypedDataEncoder.hash(t.domain, t.types, t.value));
      assert.throws(() => declarationDigest('customs', { ...facts, ...change }), JSON.stringify(change));
    }
  });

  it('checks a mixed-case trader address\'s checksum, as ethers\' getAddress does', () => {
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address.toUpperCase().replace('0X', '0x'), signature), true);
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address.slice(2), signature), true);
    const flipped = `0x${[...trader.address.slice(2)].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('')}`;
    if (/[a-f]/.test(flipped) && /[A-F]/.test(flipped)) {
      assert.throws(() => verifyDeclarationSignature('customs', facts, flipped, signature), /checksum/);
    }
  });

  it('refuses another signer, a malformed signature and a malleated (high-s) one', () => {
    assert.equal(verifyDeclarationSignature('customs', facts, newTrader().address, signature), false);
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address, '0x1234'), false);
    const sig = Signature.from(signature);
    const n = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
    const highS = `0x${(n - BigInt(sig.s)).toString(16).padStart(64, '0')}`;
    const malleated = `${sig.r}${highS.slice(2)}${sig.v === 27 ? '1c' : '1b'}`;
    assert.equal(recoverSigner(declarationDigest('customs', facts), malleated), undefined);
  });
});
