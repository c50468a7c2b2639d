/**
 * The auditor's wire-level block reader against google-protobuf's decoding
 * (decodeBlock, decodeEnvelope): the same fields on every block of a real
 * ledger and on forged transactions that use every part of a read/write set,
 * bytes fields as views of the block's own kind, and never more lenient on
 * damaged bytes (stricter only where google-protobuf reads text or ends a
 * message that Fabric's Go protobuf refuses).
 */
import { strict as assert } from 'node:assert';
import { common } from '@hyperledger/fabric-protos';
import { decodeBlock } from 'customs-ledger-gateway/dist/ledger/fabric-format/block';
import { readBlock, readEnvelope } from 'customs-ledger-gateway/dist/ledger/fabric-format/block-reader';
import { decodeEnvelope } from 'customs-ledger-gateway/dist/ledger/fabric-format/transaction';
import { CHANNEL_ID, NL, BE, blocksOf, buildAuditLedger, type AuditLedger } from '../../../support/audit-ledger';
import { appendBlock, emptyRwset, forgeEnvelope, forgeNamespacesEnvelope } from '../../../support/audit-forgery';

/** Values as plain data: bytes as hex (Buffer or Uint8Array alike), dates as times. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    return `hex:${Buffer.from(v).toString('hex')}`;
  }
  if (v instanceof Date) {
    return `time:${v.getTime()}`;
  }
  if (Array.isArray(v)) {
    return v.map(plain);
  }
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function signaturesValue(blockBytes: Uint8Array): Uint8Array {
  const signatures = common.Block.deserializeBinary(blockBytes).getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES];
  return signatures && signatures.length > 0 ? common.Metadata.deserializeBinary(signatures).getValue_asU8() : new Uint8Array();
}

function outcome(decode: () => unknown): { value: unknown } | { error: true } {
  try {
    return { value: plain(decode()) };
  } catch {
    return { error: true };
  }
}

/** Every bytes value of a decoded block or transaction, with where it was found. */
function bytesValues(v: unknown, path = '', out: [string, Uint8Array][] = []): [string, Uint8Array][] {
  if (v instanceof Uint8Array) {
    out.push([path, v]);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => bytesValues(x, `${path}[${i}]`, out));
  } else if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v)) {
      bytesValues(x, `${path}.${k}`, out);
    }
  }
  return out;
}

/** The reader's refusals that google-protobuf reads past: text that is not UTF-8, and a group's end or field 0, which end a message for it. */
const STRICTER = /not UTF-8|wire type 4|field number 0/;

/** A deterministic pseudo-random sequence in [0, 1). */
function randoms(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** The envelope with a byte flipped, set, inserted or removed, or cut short. */
function damaged(envelope: Uint8Array, random: () => number): Buffer {
  const b = Buffer.from(envelope);
  const at = Math.floor(random() * b.length);
  const byte = Math.floor(random() * 256);
  switch (Math.floor(random() * 5)) {
    case 0:
      b[at] = b[at]! ^ (1 << byte % 8);
      return b;
    case 1:
      b[at] = byte;
      return b;
    case 2:
      return b.subarray(0, at);
    case 3:
      return Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]);
    default:
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + (byte % 4))]);
  }
}

describe('block reader (the auditor\'s decoding) against google-protobuf', function () {
  this.timeout(120_000);
  let ledger: AuditLedger;
  let blocks: Uint8Array[];

  before(async () => {
    ledger = await buildAuditLedger();
    const clean = await blocksOf(ledger.backends[NL]!);
    const creator = await ledger.signer(NL, 'officer1');
    const endorsers = [await ledger.signer(NL, 'peer0'), await ledger.signer(BE, 'peer0')];
    const everything = forgeEnvelope({
      channelId: CHANNEL_ID,
      creator,
      endorsers,
      args: ['consignment:Anything', 'ünïcödé', ''],
      event: { name: 'Something', payload: Buffer.from('{"a":1}') },
      rwset: () => ({
        reads: [{ key: 'a', version: { block: 3, tx: 1 } }, { key: 'b', version: null }],
        rangeQueries: [{ startKey: 'a', endKey: 'z', exhausted: true, reads: [{ key: 'b', version: { block: 2, tx: 0 } }] }],
        writes: [{ key: 'c', value: Buffer.from('x') }, { key: 'd', value: null }],
        metadataWrites: [{ key: 'c', validationParameter: Buffer.from([1, 2, 3]) }, { key: 'e', validationParameter: null }],
        privateReads: [{ collection: `_implicit_org_${NL}`, key: 'p', version: { block: 1, tx: 0 } }],
        privateWrites: [{ collection: `_implicit_org_${NL}`, key: 'q', value: Buffer.from('secret') }, { collection: `_implicit_org_${BE}`, key: 'r', value: null }],
        privateMetadataWrites: [{ collection: `_implicit_org_${NL}`, key: 'q', validationParameter: Buffer.from([4]) }],
        purges: [{ collection: `_implicit_org_${BE}`, key: 's' }],
      }),
    });
    const namespaces = forgeNamespacesEnvelope({
      channelId: CHANNEL_ID,
      creator,
      endorsers: endorsers.slice(0, 1),
      chaincode: '_lifecycle',
      args: ['ApproveChaincodeDefinitionForMyOrg'],
      namespaces: [
        { namespace: '_lifecycle', rwset: { ...emptyRwset(), reads: [{ key: 'namespaces/fields/x/Sequence', version: null }] } },
        { namespace: 'lscc', rwset: { ...emptyRwset(), reads: [{ key: 'x', version: null }] } },
      ],
    });
    blocks = appendBlock(clean, [everything.envelope, namespaces.envelope], ['VALID', 'MVCC_READ_CONFLICT'], await ledger.orderer());
  });
  after(async () => {
    await ledger.close();
  });

  it('reads every block and envelope of a ledger as decodeBlock and decodeEnvelope do', () => {
    let transactions = 0;
    for (const bytes of blocks) {
      const { signedValue, ...block } = readBlock(bytes);
      assert.deepEqual(plain(block), plain(decodeBlock(bytes)));
      assert.deepEqual(plain(signedValue), plain(signaturesValue(bytes)));
      for (const envelope of block.envelopes) {
        const { nonce, creatorBytes, ...tx } = readEnvelope(envelope);
        const expected = decodeEnvelope(envelope);
        assert.deepEqual(plain(tx), plain(expected));
        const header = common.SignatureHeader.deserializeBinary(common.Payload.deserializeBinary(expected.payloadBytes).getHeader()!.getSignatureHeader_asU8());
        assert.deepEqual(plain(nonce), plain(header.getNonce_asU8()));
        assert.deepEqual(plain(creatorBytes), plain(header.getCreator_asU8()));
        transactions += 1;
      }
    }
    assert.ok(transactions > 20);
  });

  it('refuses every damaged envelope google-protobuf refuses, and otherwise reads the same or refuses invalid UTF-8', () => {
    const envelopes = blocks.flatMap((b) => readBlock(b).envelopes);
    let refused = 0;
    let compared = 0;
    for (let k = 0; k < 3000; k++) {
      const envelope = Uint8Array.from(envelopes[k % envelopes.length]!);
      const at = (k * 7919) % envelope.length;
      envelope[at] = envelope[at]! ^ (1 << k % 8);
      const expected = outcome(() => decodeEnvelope(envelope));
      const read = outcome(() => {
        const { nonce: _n, creatorBytes: _c, ...tx } = readEnvelope(envelope);
        return tx;
      });
      if ('error' in expected) {
        assert.ok('error' in read, `byte ${at} of an envelope: google-protobuf refuses it, the reader does not`);
        refused += 1;
      } else if ('value' in read) {
        assert.deepEqual(read.value, expected.value);
        compared += 1;
      }
    }
    assert.ok(refused > 10 && compared > 1000, `${refused} refused, ${compared} compared`);
  });

  it('returns bytes fields as views into the block, Buffers of a Buffer and Uint8Arrays of a Uint8Array', () => {
    let views = 0;
    for (const bytes of blocks) {
      for (const input of [Buffer.from(bytes), Uint8Array.from(bytes)]) {
        const kind = input instanceof Buffer ? Buffer : Uint8Array;
        const block = readBlock(input);
        const values = bytesValues(block);
        for (const envelope of block.envelopes) {
          bytesValues(readEnvelope(envelope), '.tx', values);
        }
        for (const [path, v] of values) {
          // the hashes, as decodeBlock and decodeEnvelope make them, are Buffers of either
          const hash = /(previousHash|dataHash|keyHash|valueHash|pvtRwsetHash)$/.test(path);
          if (v.length > 0) {
            assert.equal(v.buffer, input.buffer, `${path} is not a view into the block`);
            assert.equal(v.constructor, hash ? Buffer : kind, `${path} is a ${v.constructor.name}`);
            views += 1;
          }
        }
      }
    }
    assert.ok(views > 500);
  });

  it('on envelopes damaged at random, as a Buffer or a Uint8Array, reads what google-protobuf reads, or refuses invalid UTF-8, group ends and field 0', () => {
    // (refusing what google-protobuf refuses is the bit flips' test above: google-protobuf also reads every occurrence of a message field, the reader the last)
    const envelopes = blocks.flatMap((b) => readBlock(b).envelopes);
    const random = randoms(7);
    const count = { compared: 0, stricter: 0 };
    for (let k = 0; k < 4000; k++) {
      const envelope = damaged(envelopes[k % envelopes.length]!, random);
      const expected = outcome(() => decodeEnvelope(envelope));
      if ('error' in expected) {
        continue;
      }
      for (const input of [envelope, Uint8Array.from(envelope)]) {
        let read: { value: unknown } | { error: string };
        try {
          const { nonce: _n, creatorBytes: _c, ...tx } = readEnvelope(input);
          read = { value: plain(tx) };
        } catch (err) {
          read = { error: (err as Error).message };
        }
        if ('error' in read) {
          assert.match(read.error, STRICTER, `the reader refuses a damaged envelope (${k}) google-protobuf reads: ${read.error}`);
          count.stricter += 1;
        } else {
          assert.deepEqual(read.value, expected.value);
          count.compared += 1;
        }
      }
    }
    assert.ok(count.compared > 1000 && count.stricter > 10, JSON.stringify(count));
  });

  it('throws on a block without a header and on truncated bytes', () => {
    assert.throws(() => readBlock(new Uint8Array()), /no header/);
    const bytes = blocks[1]!;
    assert.throws(() => readBlock(bytes.subarray(0, bytes.length - 5)));
    const envelope = readBlock(bytes).envelopes[0]!;
    assert.throws(() => readEnvelope(envelope.subarray(0, envelope.length - 3)));
  });
});
