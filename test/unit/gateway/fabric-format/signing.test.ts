import { strict as assert } from 'node:assert';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { isLowS, signLowS, toLowS, verifySignature } from 'customs-ledger-gateway/dist/fabric-format/signing';
import { NL, testIdentities } from '../../../support/identities';

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const HALF_N = N >> 1n;

/** A DER ECDSA signature of (r, s). */
function der(r: bigint, s: bigint): Buffer {
  const integer = (v: bigint): Buffer => {
    let hex = v.toString(16);
    hex = hex.length % 2 ? `0${hex}` : hex;
    let bytes = Buffer.from(hex, 'hex');
    if (bytes[0]! & 0x80) {
      bytes = Buffer.concat([Buffer.from([0]), bytes]);
    }
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe('low-S signatures', () => {
  it('tells low from high S at the boundary and with short or zero-padded S', () => {
    assert.equal(isLowS(der(1n, HALF_N)), true);
    assert.equal(isLowS(der(1n, HALF_N + 1n)), false);
    assert.equal(isLowS(der(1n, N - 1n)), false);
    assert.equal(isLowS(der(1n, 1n)), true);
    assert.equal(isLowS(der(1n, 0x80n)), true, 'a one-byte S with its sign padding');
    const padded = Buffer.from([0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0x00, 0x05]);
    assert.equal(isLowS(padded), true);
    assert.equal(isLowS(Buffer.from('not a signature')), false);
  });

  it('makes every signature low-S, still valid, and keeps low ones as they are', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let high = 0;
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`message ${i}`);
      const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
      const low = toLowS(signature);
      assert.ok(isLowS(low));
      assert.ok(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, low));
      if (isLowS(signature)) {
        assert.deepEqual(low, signature);
      } else {
        high += 1;
      }
    }
    assert.ok(high > 0, 'some signatures came out high-S');
  });
});

describe('signature verification over a message in parts', () => {
  it('verifies parts as their concatenation, and a remembered verdict does not answer another split of the same bytes', async () => {
    const officer = (await testIdentities()).user(NL, 'officer');
    const [a, b] = [Buffer.from('proposal response payload '.repeat(100)), Buffer.from('endorser identity')];
    const signature = signLowS(officer.privateKeyPem, Buffer.concat([a, b]));
    assert.equal(verifySignature(officer.certificatePem, [a, b], signature), true);
    assert.equal(verifySignature(officer.certificatePem, [a.subarray(0, 7), a.subarray(7), b], signature), true);
    assert.equal(verifySignature(officer.certificatePem, [b, a], signature), false);
  });
});
