/**
 * The wire reader alone: nested messages read with one reader (enter and
 * leave keep each message within its own bytes), views of the message's own
 * kind, int32s as Go and google-protobuf read them, the range of field
 * numbers, and strict and lenient text.
 */
import { strict as assert } from 'node:assert';
import { ProtoReader } from 'customs-ledger-gateway/dist/fabric-format/proto-reader';
import { ProtoWriter } from 'customs-ledger-gateway/dist/fabric-format/proto-writer';

/** Every field of a message and of the messages in its field 2, as [depth, field, value]. */
function walk(r: ProtoReader, depth = 0, out: [number, number, unknown][] = []): [number, number, unknown][] {
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      out.push([depth, n, r.varint()]);
    } else if (n === 2) {
      const outer = r.enterField();
      walk(r, depth + 1, out);
      r.leave(outer);
    } else if (n === 3) {
      out.push([depth, n, r.string()]);
    } else {
      r.skip();
    }
  }
  return out;
}

describe('ProtoReader', () => {
  const inner = new ProtoWriter().varint(1, 7).string(3, 'in').finish();
  const message = new ProtoWriter().varint(1, 1).bytes(2, new ProtoWriter().bytes(2, inner).varint(1, 300).finish()).string(3, 'out').varint(9, 5).finish();

  it('reads nested messages with one reader, carrying on after each', () => {
    assert.deepEqual(walk(new ProtoReader(message)), [
      [0, 1, 1],
      [2, 1, 7],
      [2, 3, 'in'],
      [1, 1, 300],
      [0, 3, 'out'],
    ]);
  });

  it('reads a span noted earlier, and keeps an entered message within its bytes', () => {
    const r = new ProtoReader(message);
    assert.equal(r.next(), 1);
    r.varint();
    assert.equal(r.next(), 2);
    const start = r.span();
    const end = r.spanEnd;
    assert.deepEqual(walk(r), [[0, 3, 'out']]);
    const outer = r.enter(start, end);
    assert.deepEqual(walk(r), [
      [1, 1, 7],
      [1, 3, 'in'],
      [0, 1, 300],
    ]);
    // and carries on after it
    r.leave(outer);
    assert.equal(r.next(), 3);
    // the entered message's last byte cut off: its field runs past its end, though the enclosing message goes on
    const cut = new ProtoReader(message);
    cut.next();
    cut.varint();
    cut.next();
    const s = cut.span();
    cut.enter(s, cut.spanEnd - 1);
    assert.throws(() => walk(cut), /past the end of its message/);
  });

  it('makes views of the message\'s own kind into its memory', () => {
    for (const bytes of [Buffer.from(message), Uint8Array.from(message)]) {
      const r = new ProtoReader(bytes);
      r.next();
      r.varint();
      r.next();
      const v = r.bytes();
      assert.equal(v.constructor, bytes.constructor);
      assert.equal(v.buffer, bytes.buffer);
      assert.equal(v.byteOffset, bytes.byteOffset + 4);
      assert.ok(Buffer.isBuffer(r.bufferView(0, 2)));
    }
  });

  it('reads an int32 as the low 32 bits of its varint, as Go\'s protobuf and google-protobuf do', () => {
    const varints = [
      [0x05],
      // 2^31 + 5 and 2^32 + 5, which no encoder writes for an int32
      [0x85, 0x80, 0x80, 0x80, 0x08],
      [0x85, 0x80, 0x80, 0x80, 0x10],
      // -1 and -5, sign-extended to 64 bits as encoders write them
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      [0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    ];
    const r = new ProtoReader(Uint8Array.from(varints.flatMap((v) => [0x08, ...v])));
    const values: number[] = [];
    while (r.next() !== 0) {
      values.push(r.int32());
    }
    assert.deepEqual(values, [5, -(2 ** 31) + 5, 5, -1, -5]);
  });

  it('reads an int64 past 2^53 exactly, negative ones as 64-bit two\'s complement', () => {
    const varints = [
      // -1, -5 and -(2^62), as encoders write them
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      [0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xc0, 0x01],
      // 2^53 - 1 and 2^62
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f],
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40],
    ];
    const r = new ProtoReader(Uint8Array.from(varints.flatMap((v) => [0x08, ...v])));
    const values: number[] = [];
    while (r.next() !== 0) {
      values.push(r.varint());
    }
    assert.deepEqual(values, [-1, -5, -(2 ** 62), 2 ** 53 - 1, 2 ** 62]);
  });

  it('refuses a varint past 64 bits, as Go\'s protobuf does', () => {
    for (const varint of [
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00],
    ]) {
      const r = new ProtoReader(Uint8Array.from([0x08, ...varint]));
      r.next();
      assert.throws(() => r.varint(), /overflows 64 bits/);
    }
  });

  it('refuses field number 0 and field numbers past 2^29 - 1', () => {
    const last = new ProtoReader(Uint8Array.from([0xf8, 0xff, 0xff, 0xff, 0x0f, 0x00]));
    assert.equal(last.next(), 2 ** 29 - 1);
    assert.throws(() => new ProtoReader(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10, 0x00])).next(), /field number 536870912 is out of range/);
    assert.throws(() => new ProtoReader(Uint8Array.from([0x00, 0x00])).next(), /field number 0 is out of range/);
  });

  it('reads text strictly or leniently', () => {
    const texts = new ProtoWriter().string(1, 'ascii').string(1, 'ünïcödé').bytes(1, Buffer.from([0x61, 0xff])).finish();
    const strict: (string | Error)[] = [];
    const lenient: string[] = [];
    const r = new ProtoReader(texts);
    const l = new ProtoReader(texts);
    while (r.next() !== 0) {
      l.next();
      lenient.push(l.string());
      try {
        strict.push(r.strictString());
      } catch (err) {
        strict.push(err as Error);
      }
    }
    assert.deepEqual(lenient, ['ascii', 'ünïcödé', 'a\ufffd']);
    assert.deepEqual(strict.slice(0, 2), ['ascii', 'ünïcödé']);
    assert.match(String(strict[2]), /not UTF-8/);
  });

  it('reads a recurring text as the text of its bytes, whatever came before it with the same length', () => {
    const texts = ['-----BEGIN one-----', '-----BEGIN two-----', 'ünïcödé ünï'];
    const raw = [...texts.map((t) => Buffer.from(t)), Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x28, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46])];
    const read = (bytes: Buffer, copies: number): string[] => {
      const w = new ProtoWriter();
      for (let i = 0; i < copies; i++) {
        w.bytes(1, bytes);
      }
      // a copy inside a larger message, at another offset
      const r = new ProtoReader(new ProtoWriter().varint(2, 300).bytes(3, w.finish()).finish());
      const out: string[] = [];
      r.next();
      r.varint();
      r.next();
      r.enterField();
      while (r.next() !== 0) {
        const start = r.span();
        out.push(r.recurringUtf8(start, r.spanEnd));
      }
      return out;
    };
    for (let round = 0; round < 2; round++) {
      raw.forEach((bytes, i) => {
        const got = read(bytes, 3);
        assert.deepEqual(got, Array(3).fill(bytes.toString('utf8')), `text ${i}`);
      });
    }
    assert.equal(read(raw[0]!, 1)[0], texts[0]);
    assert.equal(read(raw[1]!, 1)[0], texts[1]); // same length as the first, other bytes
    // texts alike in length and ending (more than are kept together): each reads as its own bytes, twice
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10; i++) {
        const bytes = Buffer.from(`${i}${'x'.repeat(100)}`);
        assert.equal(read(bytes, 1)[0], bytes.toString('utf8'));
      }
    }
    // more texts than are kept: each still reads as its own bytes
    for (let i = 0; i < 1_200; i++) {
      const bytes = Buffer.from(`text ${i} `.padEnd(24, '.'));
      assert.equal(read(bytes, 1)[0], bytes.toString('utf8'));
    }
  });
});
