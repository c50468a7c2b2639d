/**
 * The auditor's wire-level block reader against google-protobuf's decoding
 * (decodeBlock, decodeEnvelope): the same fields on every block of a real
 * ledger and on forged transactions that use every part of a read/write set,
 * bytes fields as views of the block's own kind, and never more lenient on
 * damaged bytes (stricter only where google-protobuf reads text, a field
 * number or a message's end that Fabric's Go protobuf refuses, on groups,
 * which no Fabric message holds, and on a singular field that occurs twice,
 * which Fabric never writes).
 */
import { strict as assert } from 'node:assert';
import { common } from '@hyperledger/fabric-protos';
import { decodeBlock, decodeEnvelope } from '../../../support/protobuf-oracle';
import { readBlock, readEnvelope } from 'customs-ledger-gateway/dist/fabric-format/block-reader';
import { ProtoReader } from 'customs-ledger-gateway/dist/fabric-format/proto-reader';
import { ProtoWriter } from 'customs-ledger-gateway/dist/fabric-format/proto-writer';
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

function metadataEntry(blockBytes: Uint8Array, index: number): Uint8Array {
  return common.Block.deserializeBinary(blockBytes).getMetadata()?.getMetadataList_asU8()[index] ?? new Uint8Array();
}

function outcome(decode: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: plain(decode()) };
  } catch (err) {
    return { error: (err as Error).message };
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

/**
 * The reader's refusals that google-protobuf reads past: text that is not
 * UTF-8; a group's end or field 0, which end a message for it; a field
 * number past 2^29 - 1, of which it reads the low bits; a group (which no
 * Fabric message holds, but which it skips in an unknown field: text read as
 * fields after a damaged length often holds one, "st" is an empty group);
 * a singular field that occurs twice (or both fields of a oneof), of
 * which it keeps the last; and a varint past 64 bits, of which it drops the
 * rest.
 */
const STRICTER = /not UTF-8|wire type 4|field number \d+ is out of range|wire type 3 is not supported|occurs twice|both occur|overflows 64 bits/;

/**
 * The reader's outcome on a damaged envelope against google-protobuf's
 * (`expected`): both refuse it, both read the same, or the reader alone
 * refuses it, for one of the STRICTER reasons.
 */
function compare(input: Uint8Array, expected: ReturnType<typeof outcome>, what: string): 'refused' | 'compared' | 'stricter' {
  const read = outcome(() => {
    const { nonce: _n, creatorBytes: _c, ...tx } = readEnvelope(input);
    return tx;
  });
  if ('error' in expected) {
    assert.ok('error' in read, `${what}: google-protobuf refuses it (${expected.error}), the reader does not`);
    return 'refused';
  }
  if ('error' in read) {
    assert.match(read.error, STRICTER, `${what}: the reader refuses it, google-protobuf reads it`);
    return 'stricter';
  }
  assert.deepEqual(read.value, expected.value, what);
  return 'compared';
}

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

/** The first occurrence of length-delimited field `field` of `message`: where its tag starts, where its value starts, where it ends. */
function occurrence(message: Uint8Array, field: number): { start: number; valueStart: number; end: number } {
  const r = new ProtoReader(message);
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n !== field) {
      r.skip();
      continue;
    }
    const valueStart = r.span();
    const end = r.spanEnd;
    // the tag and the length in as few bytes as google-protobuf and Go write them
    const head = new ProtoWriter().delimited(field, message.subarray(valueStart, end)).finish().length - (end - valueStart);
    return { start: valueStart - head, valueStart, end };
  }
  throw new Error(`no field ${field}`);
}

/**
 * `message` with the message at `path` (field numbers of length-delimited
 * fields, each the first occurrence in the value of the one before) changed
 * by `change`, and the lengths of the messages that hold it written again.
 */
function edited(message: Uint8Array, path: readonly number[], change: (m: Uint8Array) => Uint8Array): Uint8Array {
  if (path.length === 0) {
    return change(message);
  }
  const field = path[0]!;
  const { start, valueStart, end } = occurrence(message, field);
  const value = edited(message.subarray(valueStart, end), path.slice(1), change);
  return Buffer.concat([message.subarray(0, start), new ProtoWriter().delimited(field, value).finish(), message.subarray(end)]);
}

/** A change that writes the first occurrence of `field` again at the end of the message: a valid encoding of the two merged. */
const twice =
  (field: number) =>
  (m: Uint8Array): Uint8Array => {
    const { start, end } = occurrence(m, field);
    return Buffer.concat([m, m.subarray(start, end)]);
  };

/** A change that appends fields (their wire bytes) to the message. */
const appended =
  (fields: Uint8Array) =>
  (m: Uint8Array): Uint8Array =>
    Buffer.concat([m, fields]);

// The messages of an endorser transaction's envelope, as paths of field numbers from the envelope.
const PAYLOAD = [1];
const CHANNEL_HEADER = [...PAYLOAD, 1, 1];
/** Payload.data → Transaction.actions[0] → TransactionAction.payload */
const ACTION_PAYLOAD = [...PAYLOAD, 2, 1, 2];
/** ChaincodeActionPayload.action → ChaincodeEndorsedAction.proposal_response_payload */
const RESPONSE_PAYLOAD = [...ACTION_PAYLOAD, 2, 1];
/** ProposalResponsePayload.extension */
const CHAINCODE_ACTION = [...RESPONSE_PAYLOAD, 2];
/** ChaincodeAction.results → TxReadWriteSet.ns_rwset[0] */
const NAMESPACE = [...CHAINCODE_ACTION, 1, 2];
/** NsReadWriteSet.rwset */
const KV_RWSET = [...NAMESPACE, 2];

describe('block reader (the auditor\'s decoding) against google-protobuf', function () {
  this.timeout(120_000);
  let ledger: AuditLedger;
  let blocks: Uint8Array[];
  /** the forged envelope that uses every part of a read/write set */
  let everything: Uint8Array;

  before(async () => {
    ledger = await buildAuditLedger();
    const clean = await blocksOf(ledger.backends[NL]!);
    const creator = await ledger.signer(NL, 'officer1');
    const endorsers = [await ledger.signer(NL, 'peer0'), await ledger.signer(BE, 'peer0')];
    everything = forgeEnvelope({
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
    }).envelope;
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
    blocks = appendBlock(clean, [everything, namespaces.envelope], ['VALID', 'MVCC_READ_CONFLICT'], await ledger.orderer());
  });
  after(async () => {
    await ledger.close();
  });

  it('reads every block and envelope of a ledger as decodeBlock and decodeEnvelope do', () => {
    let transactions = 0;
    for (const bytes of blocks) {
      const { signedValue, transactionsFilter, commitHashEntry, ...block } = readBlock(bytes);
      assert.deepEqual(plain(block), plain(decodeBlock(bytes)));
      assert.deepEqual(plain(signedValue), plain(signaturesValue(bytes)));
      assert.deepEqual(plain(transactionsFilter), plain(metadataEntry(bytes, common.BlockMetadataIndex.TRANSACTIONS_FILTER)));
      assert.deepEqual(plain(commitHashEntry), plain(metadataEntry(bytes, common.BlockMetadataIndex.COMMIT_HASH)));
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

  it('refuses every envelope with a bit flipped that google-protobuf refuses, and otherwise reads the same or refuses it for a STRICTER reason', () => {
    const envelopes = blocks.flatMap((b) => readBlock(b).envelopes);
    const count = { refused: 0, compared: 0, stricter: 0 };
    for (let k = 0; k < 3000; k++) {
      const envelope = Uint8Array.from(envelopes[k % envelopes.length]!);
      const at = (k * 7919) % envelope.length;
      envelope[at] = envelope[at]! ^ (1 << k % 8);
      count[compare(envelope, outcome(() => decodeEnvelope(envelope)), `envelope ${k % envelopes.length}, bit ${k % 8} of byte ${at} flipped`)] += 1;
    }
    assert.ok(count.refused > 10 && count.compared > 1000, JSON.stringify(count));
  });

  it('refuses a singular field that occurs twice, at every level of an envelope and a block, which google-protobuf reads', () => {
    const cases: [path: number[], change: (m: Uint8Array) => Uint8Array, refusal: RegExp][] = [
      [[], twice(2), /field 2 of Envelope occurs twice/],
      [PAYLOAD, twice(1), /field 1 of Payload occurs twice/],
      [CHANNEL_HEADER, twice(3), /field 3 of ChannelHeader occurs twice/],
      // a scalar: its type, ENDORSER_TRANSACTION again
      [CHANNEL_HEADER, appended(Buffer.from([0x08, 0x03])), /field 1 of ChannelHeader occurs twice/],
      [ACTION_PAYLOAD, twice(2), /field 2 of ChaincodeActionPayload occurs twice/],
      [RESPONSE_PAYLOAD, twice(2), /field 2 of ProposalResponsePayload occurs twice/],
      [CHAINCODE_ACTION, twice(3), /field 3 of ChaincodeAction occurs twice/],
      [NAMESPACE, twice(2), /field 2 of NsReadWriteSet occurs twice/],
      // the first read's version
      [[...KV_RWSET, 1], twice(2), /field 2 of KVRead occurs twice/],
      // an empty merkle summary after the raw reads, the other field of their oneof
      [[...KV_RWSET, 2], appended(new ProtoWriter().delimited(5, new Uint8Array()).finish()), /fields 4 and 5 of RangeQueryInfo, a oneof, both occur/],
    ];
    assert.doesNotThrow(() => readEnvelope(everything));
    for (const [path, change, refusal] of cases) {
      const envelope = edited(everything, path, change);
      assert.doesNotThrow(() => decodeEnvelope(envelope), `google-protobuf reads the envelope changed at ${path.join('.')}`);
      assert.throws(() => readEnvelope(envelope), refusal);
    }
    const block = blocks.at(-1)!;
    for (const [path, change, refusal] of [
      [[], twice(1), /field 1 of Block occurs twice/],
      [[1], twice(2), /field 2 of BlockHeader occurs twice/],
    ] as const) {
      const changed = edited(block, path, change);
      assert.doesNotThrow(() => decodeBlock(changed));
      assert.throws(() => readBlock(changed), refusal);
    }
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

  it('on envelopes damaged at random, as a Buffer or a Uint8Array, refuses what google-protobuf refuses, and otherwise reads the same or refuses for a STRICTER reason', () => {
    const envelopes = blocks.flatMap((b) => readBlock(b).envelopes);
    const random = randoms(7);
    const count = { refused: 0, compared: 0, stricter: 0 };
    for (let k = 0; k < 4000; k++) {
      const envelope = damaged(envelopes[k % envelopes.length]!, random);
      const expected = outcome(() => decodeEnvelope(envelope));
      for (const input of [envelope, Uint8Array.from(envelope)]) {
        count[compare(input, expected, `damaged envelope ${k}`)] += 1;
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
