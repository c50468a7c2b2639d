import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { canonicalJson, canonicalMembers, hashCanonical, sha256Hex } from 'customs-ledger-chaincode/domain';
import { randomJson, seededBytes } from '../../../support/random';

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

describe('domain/canonical against the canonicalize package', () => {
  const value = randomJson(seededBytes('canonical'));

  it('gives the package\'s text for 2,000 random JSON values, and canonicalMembers its members\' texts', () => {
    let objects = 0;
    for (let i = 0; i < 2000; i++) {
      const v = value();
      const expected = canonicalize(v);
      assert.equal(canonicalJson(v), expected);
      assert.equal(hashCanonical(v), createHash('sha256').update(expected!, 'utf8').digest('hex'));
      const members = canonicalMembers(v);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        objects += 1;
        assert.ok(members, expected);
        assert.equal(members.json, expected);
        const record = v as Record<string, unknown>;
        assert.deepEqual([...members.members.keys()].sort(), Object.keys(record).filter((k) => record[k] !== undefined).sort());
        for (const [key, text] of members.members) {
          assert.equal(text, canonicalize(record[key]), key);
        }
      } else {
        assert.equal(members, undefined);
      }
    }
    assert.ok(objects > 300, `only ${objects} objects`);
  });

  it('leaves to the package what it reads in its own way: sparse arrays and toJSON methods', () => {
    const hidden = (target: object, toJSON: unknown): object => Object.defineProperty(target, 'toJSON', { value: toJSON, enumerable: false });
    const cases: unknown[] = [
      // eslint-disable-next-line no-sparse-arrays
      [1, , 2],
      // eslint-disable-next-line no-sparse-arrays
      [, 1],
      { a: [1, 2, , ] }, // eslint-disable-line no-sparse-arrays
      hidden({ a: 1 }, () => ({ b: 2 })),
      hidden([1, 2], () => 'array'),
      { toJSON: 5, a: 1 },
      { nested: hidden({ a: 1 }, () => [3]) },
    ];
    for (const v of cases) {
      assert.equal(canonicalJson(v), canonicalize(v));
    }
    assert.equal(canonicalJson(cases[3]), '{"b":2}');
    assert.equal(canonicalMembers(cases[3]), undefined);
    assert.equal(canonicalMembers({ a: cases[0] }), undefined);
  });

  it('refuses what cannot be hashed with the path of the first bad value, wherever it sits', () => {
    assert.throws(() => canonicalJson({ a: [1, { b: 1.5 }] }), /^TypeError: \$\.a\[1\]\.b: only safe integers may be hashed, got 1\.5$/);
    assert.throws(() => canonicalJson([1, undefined]), /^TypeError: \$\[1\]: undefined has no JSON representation$/);
    assert.throws(() => canonicalJson({ s: Symbol('s') }), /^TypeError: \$\.s: symbol has no JSON representation$/);
    assert.throws(() => canonicalJson({ n: 1n }), /^TypeError: \$\.n: bigint has no JSON representation$/);
    assert.throws(() => canonicalJson(Object.create({ inherited: 1 })), /^TypeError: \$: only plain objects may be hashed$/);
    assert.throws(() => canonicalJson(undefined), /^TypeError: \$: undefined has no JSON representation$/);
    for (const bad of [{ a: 1.5 }, [Number.NaN], new Date(0), { f: () => 1 }, 2 ** 60, undefined]) {
      assert.equal(canonicalMembers(bad), undefined);
    }
  });
});
