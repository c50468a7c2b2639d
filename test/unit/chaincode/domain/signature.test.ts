import { strict as assert } from 'node:assert';
import {
  Signature,
  SigningKey,
  TypedDataEncoder,
  computeAddress,
  getAddress,
  getIcapAddress,
  recoverAddress,
  type SignatureLike,
} from 'ethers';
import {
  declarationDigest,
  declarationTypedData,
  recoverSigner,
  verifyDeclarationSignature,
  type SignedDeclarationFacts,
} from 'customs-ledger-chaincode/domain';
import { newTrader } from '../../../support/fixtures';
import { seededBytes } from '../../../support/random';

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

  it('refuses the malleated twin of a valid signature however it is written, any s above n/2, and a transaction-style v', () => {
    const sig = Signature.from(signature);
    const twinS = (N - BigInt(sig.s)).toString(16).padStart(64, '0');
    const twin = `${sig.r}${twinS}${sig.v === 27 ? '1c' : '1b'}`;
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address, twin), false);
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address, `0X${twin.slice(2)}`), false);
    // s just above n/2: its top bit is clear, so ethers reads it; EIP-2 does not.
    const aboveHalf = `${sig.r}${(N / 2n + 1n).toString(16).padStart(64, '0')}${signature.slice(130)}`;
    assert.equal(recoverSigner(declarationDigest('customs', facts), aboveHalf), undefined);
    for (const v of [0x25, 0x26, 0x1d, 0x02]) {
      assert.equal(verifyDeclarationSignature('customs', facts, trader.address, `${signature.slice(0, 130)}${v.toString(16)}`), false, `v ${v}`);
    }
    assert.equal(verifyDeclarationSignature('customs', facts, trader.address, `${signature.slice(0, 130)}${sig.v === 27 ? '00' : '01'}`), true, 'v written as 0 or 1');
  });
});

/** A function's value, or the message of what it threw, so two ways can be compared whichever happens. */
function outcome<T>(run: () => T): { value: T } | { error: string } {
  try {
    return { value: run() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const word = (n: bigint): string => n.toString(16).padStart(64, '0');

describe('domain/signature against ethers, over random and malformed inputs', () => {
  const random = seededBytes('signature');
  const pieces = ['a', 'Z', '0', '-', ' ', 'é', '€', '😀', '\u2028', '"', '\\'];
  const text = (): string => {
    const [length, ...picks] = random(41);
    return Array.from({ length: length! % 40 }, (_, i) => pieces[picks[i]! % pieces.length]).join('');
  };
  const hex32 = (): string => {
    const [shape] = random(1);
    const hex = random(32).toString('hex');
    return shape! % 4 === 0 ? hex.toUpperCase() : hex;
  };
  const cases = Array.from({ length: 2000 }, (_, i) => {
    const version = random(4).readUInt32BE(0);
    return {
      channel: ['customs', 'customs-test', `c${i % 7}`][i % 3]!,
      key: new SigningKey(`0x${random(32).toString('hex')}`),
      facts: {
        ucr: text(),
        declarationHash: hex32(),
        fieldRoot: hex32(),
        authority: i % 5 === 0 ? text() : 'NLCustomsMSP',
        version: [0, 1, 0xffffffff][i % 4] ?? version,
      },
    };
  });
  let signed: { channel: string; facts: SignedDeclarationFacts; digest: string; signature: string; address: string }[] = [];
  before(function () {
    this.timeout(120_000);
    signed = cases.map(({ channel, key, facts }) => {
      const t = declarationTypedData(channel, facts);
      const digest = TypedDataEncoder.hash(t.domain, t.types, t.value);
      return { channel, facts, digest, signature: key.sign(digest).serialized, address: computeAddress(key.publicKey) };
    });
  });

  it('computes ethers\' EIP-712 digest for 2,000 random facts', () => {
    for (const { channel, facts, digest } of signed) {
      assert.equal(declarationDigest(channel, facts), digest, JSON.stringify(facts));
    }
  });

  it('recovers the signer of 2,000 random signatures and accepts its address in every form getAddress accepts', function () {
    this.timeout(120_000);
    for (const { channel, facts, digest, signature, address } of signed) {
      assert.equal(recoverSigner(digest, signature), address);
      const lower = address.toLowerCase();
      for (const form of [address, lower, `0x${lower.slice(2).toUpperCase()}`, address.slice(2), lower.slice(2)]) {
        assert.equal(verifyDeclarationSignature(channel, facts, form, signature), true, form);
      }
    }
    const { channel, facts, signature, address } = signed[0]!;
    assert.equal(verifyDeclarationSignature(channel, facts, getIcapAddress(address), signature), true);
    assert.equal(verifyDeclarationSignature(channel, facts, signed[1]!.address, signature), false);
  });

  it('answers as getAddress for addresses with their letters\' case changed at random: true, or the same refusal', () => {
    let refused = 0;
    for (const { channel, facts, signature, address } of signed) {
      const flips = random(40);
      const trader = `0x${[...address.slice(2)].map((c, i) => (flips[i]! % 3 === 0 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('')}`;
      const expected = outcome(() => getAddress(trader) === address);
      assert.deepEqual(outcome(() => verifyDeclarationSignature(channel, facts, trader, signature)), expected, trader);
      refused += 'error' in expected ? 1 : 0;
    }
    assert.ok(refused > 1900, `only ${refused} wrong checksums`);
  });

  it('refuses what getAddress refuses, and a wrong checksum only once the signature is valid', () => {
    const { channel, facts, signature, address } = signed[2]!;
    const body = address.slice(2);
    const wrong = `0x${body.replace(/[a-f]/, (c) => c.toUpperCase())}`;
    assert.notEqual(wrong, address, 'the address has a lowercase letter to change');
    for (const trader of [wrong, `0X${body}`, `0x${body}0`, `0x${body.slice(1)}`, `0x${body.slice(1)}g`, '', 'XE00INVALIDICAP0000000000000000000', undefined as unknown as string]) {
      const expected = outcome(() => getAddress(trader));
      assert.ok('error' in expected, String(trader));
      assert.deepEqual(outcome(() => verifyDeclarationSignature(channel, facts, trader, signature)), expected, String(trader));
      assert.equal(verifyDeclarationSignature(channel, facts, trader, '0x1234'), false);
    }
  });

  it('recovers from malformed, malleated and re-encoded signatures what ethers\' recoverAddress recovers, under EIP-2 and the four v values', function () {
    this.timeout(120_000);
    const recovered = new Map<string, string | undefined>();
    /** recoverAddress, or undefined where it throws; each distinct (r, s, parity) is recovered once. */
    // ethers' answer, with the two rules it does not make: s at most n/2 (EIP-2), and a written v of 0, 1, 27 or 28.
    const reference = (digest: string, signature: unknown): string | undefined => {
      let key: string;
      try {
        const sig = Signature.from(signature as SignatureLike);
        const hex = typeof signature === 'string' ? signature.replace(/^0x/i, '') : '';
        if (BigInt(sig.s) > N / 2n || (hex.length === 130 && ![0, 1, 27, 28].includes(parseInt(hex.slice(128), 16)))) {
          return undefined;
        }
        key = `${digest}/${sig.r}/${sig._s}/${sig.yParity}`;
      } catch {
        return undefined;
      }
      if (!recovered.has(key)) {
        const result = outcome(() => recoverAddress(digest, signature as SignatureLike));
        recovered.set(key, 'value' in result ? result.value : undefined);
      }
      return recovered.get(key);
    };
    let accepted = 0;
    let refused = 0;
    for (const { channel, facts, digest, signature, address } of signed.slice(0, 24)) {
      const sig = Signature.from(signature);
      const r = sig.r.slice(2);
      const s = sig.s.slice(2);
      const v = signature.slice(130);
      const forms: unknown[] = [
        ...Array.from({ length: 256 }, (_, byte) => `${signature.slice(0, 130)}${byte.toString(16).padStart(2, '0')}`),
        `0x${r}${word(N - BigInt(`0x${s}`))}${v}`, // high s: the malleated twin
        `0x${r}${(BigInt(`0x${s}`) | (1n << 255n)).toString(16)}${v}`,
        `0x${r}${word((1n << 255n) - 1n)}${v}`, // above n/2 with the top bit clear: ethers reads it, EIP-2 does not
        `0x${r}${word(N / 2n + 1n)}${v}`,
        `0x${r}${word(0n)}${v}`,
        `0x${r}${word(N)}${v}`,
        `0x${word(0n)}${s}${v}`,
        `0x${word(N)}${s}${v}`,
        `0x${word(N - 1n)}${s}${v}`,
        `0x${'f'.repeat(64)}${s}${v}`,
        `0x${random(32).toString('hex')}${s}${v}`,
        `0x${r}${random(32).toString('hex')}${v}`,
        `0x${signature.slice(2).toUpperCase()}`,
        `0X${signature.slice(2)}`,
        signature.slice(2),
        sig.compactSerialized,
        signature.slice(0, 128),
        `${signature}00`,
        signature.slice(0, 131),
        `${signature.slice(0, 70)}g${signature.slice(71)}`,
        `${signature.slice(0, 70)} ${signature.slice(71)}`,
        '0x',
        '',
        sig,
        { r: sig.r, s: sig.s, v: sig.v },
        { r: sig.r, yParityAndS: sig.yParityAndS },
        null,
        42,
      ];
      for (const form of forms) {
        const expected = reference(digest, form);
        const label = typeof form === 'string' ? form : JSON.stringify(form);
        assert.equal(recoverSigner(digest, form as string), expected, label);
        assert.equal(verifyDeclarationSignature(channel, facts, address, form as string), expected === address, label);
        if (expected === undefined) {
          refused += 1;
        } else {
          accepted += 1;
        }
      }
    }
    assert.ok(accepted > 24 * 3 && refused > 24 * 250, `${accepted} accepted, ${refused} refused`);
  });

  it('returns undefined for a digest that is not 32 bytes of hex', () => {
    const { digest, signature } = signed[0]!;
    for (const bad of [digest.slice(0, 64), `${digest}00`, digest.slice(2), `0x${'g'.repeat(64)}`, '']) {
      assert.equal(recoverSigner(bad, signature), undefined, bad);
    }
  });
});
