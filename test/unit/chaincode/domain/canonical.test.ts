import { strict as assert } from 'node:assert';
import { canonicalJson, hashCanonical, sha256Hex } from 'customs-ledger-chaincode/domain';

describe('domain/canonical', () => {
  it('sorts keys by UTF-16 code units and drops insignificant white space (RFC 8785 §3.2.3)', () => {
    const value = { b: 1, a: [true, null, 'x'], '\u20ac': 'euro', '\r': 'cr', '1': 'one', 'ö': { z: 0, y: -1 } };
    assert.equal(canonicalJson(value), '{"\\r":"cr","1":"one","a":[true,null,"x"],"b":1,"ö":{"y":-1,"z":0},"€":"euro"}');
  });

  it('escapes strings as RFC 8785 requires', () => {
    assert.equal(canonicalJson('\u0000\u001f"\\/\u2028é'), '"\\u0000\\u001f\\"\\\\/\u2028é"');
  });

  it('gives the same text whatever order the keys were inserted in', () => {
    const a = { ucr: 'X', office: 'NLRTM', nested: { p: 1, q: 2 } };
    const b = { nested: { q: 2, p: 1 }, office: 'NLRTM', ucr: 'X' };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(hashCanonical(a), hashCanonical(b));
  });

  it('refuses floats, non-finite numbers, functions and class instances', () => {
    assert.throws(() => canonicalJson({ weight: 1.5 }), /\$\.weight: only safe integers/);
    assert.throws(() => canonicalJson([Number.NaN]), /only safe integers/);
    assert.throws(() => canonicalJson({ at: new Date(0) }), /only plain objects/);
    assert.throws(() => canonicalJson({ f: () => 1 }), /no JSON representation/);
    assert.throws(() => canonicalJson(2 ** 60), /only safe integers/);
  });

  it('hashes with SHA-256 over the UTF-8 bytes', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(hashCanonical({ b: 'é', a: 1 }), sha256Hex(Buffer.from('{"a":1,"b":"é"}', 'utf8')));
  });
});
