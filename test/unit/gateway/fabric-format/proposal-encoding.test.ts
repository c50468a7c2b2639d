import { strict as assert } from 'node:assert';
import { generateKeyPairSync, verify } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { buildProposal, decodeSignedProposal, type BuiltProposal, type DecodedProposal, type ProposalInput } from 'customs-ledger-gateway/dist/fabric-format/proposal';
import { parseIdentity } from 'customs-ledger-gateway/dist/fabric-format/identity';
import { sha256 } from 'customs-ledger-gateway/dist/fabric-format/signing';
import { ProtoWriter } from 'customs-ledger-gateway/dist/fabric-format/proto-writer';
import { isLowS } from 'customs-ledger-gateway/dist/fabric-format/signing';

/** The proposal as google-protobuf message objects write it, from the same nonce and time. */
function referenceProposal(input: ProposalInput, built: BuiltProposal): { proposalBytes: Uint8Array; payloadForBlock: Uint8Array } {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(input.chaincode);
  const payload = (transient?: Record<string, Uint8Array>): Uint8Array => {
    const ci = new peer.ChaincodeInput();
    ci.setArgsList(input.args.map((a) => Buffer.from(a, 'utf8')));
    const spec = new peer.ChaincodeSpec();
    spec.setType(peer.ChaincodeSpec.Type.NODE);
    spec.setChaincodeId(chaincodeId);
    spec.setInput(ci);
    const invocation = new peer.ChaincodeInvocationSpec();
    invocation.setChaincodeSpec(spec);
    const cpp = new peer.ChaincodeProposalPayload();
    cpp.setInput(invocation.serializeBinary());
    for (const key of Object.keys(transient ?? {}).sort()) {
      cpp.getTransientmapMap().set(key, transient![key]!);
    }
    return cpp.serializeBinary();
  };
  const id = new msp.SerializedIdentity();
  id.setMspid(input.signer.mspId);
  id.setIdBytes(Buffer.from(input.signer.certificatePem, 'utf8'));
  const nonce = common.SignatureHeader.deserializeBinary(built.signatureHeader).getNonce_asU8();
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
  ch.setVersion(0);
  ch.setTimestamp(Timestamp.fromDate(input.timestamp!));
  ch.setChannelId(input.channelId);
  ch.setTxId(sha256(Buffer.concat([nonce, id.serializeBinary()])).toString('hex'));
  ch.setEpoch(0);
  ch.setExtension$(extension.serializeBinary());
  const sh = new common.SignatureHeader();
  sh.setCreator(id.serializeBinary());
  sh.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(ch.serializeBinary());
  header.setSignatureHeader(sh.serializeBinary());
  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload(input.transient));
  return { proposalBytes: proposal.serializeBinary(), payloadForBlock: payload() };
}

/** A signed proposal as google-protobuf's message objects read it. */
function referenceDecode(bytes: Uint8Array): Omit<DecodedProposal, 'proposalHash'> & { proposalHash: Buffer } {
  const signed = peer.SignedProposal.deserializeBinary(bytes);
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const ch = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const sh = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const cpp = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(cpp.getInput_asU8());
  const transient = new Map<string, Uint8Array>();
  cpp.getTransientmapMap().forEach((value: Uint8Array | string, key: string) => {
    transient.set(key, typeof value === 'string' ? Buffer.from(value, 'base64') : value);
  });
  cpp.getTransientmapMap().clear();
  return {
    proposalBytes: signed.getProposalBytes_asU8(),
    signature: signed.getSignature_asU8(),
    transactionId: ch.getTxId(),
    channelId: ch.getChannelId(),
    timestamp: ch.getTimestamp()?.toDate() ?? new Date(0),
    creator: parseIdentity(sh.getCreator_asU8()),
    creatorBytes: sh.getCreator_asU8(),
    nonce: sh.getNonce_asU8(),
    proposalHash: sha256(Buffer.concat([header.getChannelHeader_asU8(), header.getSignatureHeader_asU8(), cpp.serializeBinary()])),
    args: (invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? []).map((a) => Buffer.from(a).toString('utf8')),
    transient,
  };
}

function assertSameDecoding(bytes: Uint8Array): void {
  const ours = decodeSignedProposal(bytes);
  const reference = referenceDecode(bytes);
  const plain = (d: typeof reference) => ({
    ...d,
    proposalBytes: Buffer.from(d.proposalBytes),
    signature: Buffer.from(d.signature),
    creatorBytes: Buffer.from(d.creatorBytes),
    nonce: Buffer.from(d.nonce),
    transient: [...d.transient].map(([k, v]) => [k, Buffer.from(v)]),
  });
  assert.deepEqual(plain({ ...ours, proposalHash: ours.proposalHash }), plain(reference));
}

/** Appends an unknown varint field (number 15) to a message. */
const withUnknown = (message: Uint8Array): Uint8Array => Buffer.concat([message, Buffer.from([0x78, 0x2a])]);

describe('proposal encoding', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = {
    mspId: 'NLCustomsMSP',
    certificatePem: '-----BEGIN CERTIFICATE-----\nnot parsed here; only carried\n-----END CERTIFICATE-----\n',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const cases: [string, Partial<ProposalInput>][] = [
    ['a query', { args: ['consignment:Get', '6NL123456789-C001'] }],
    ['no arguments but the function, and an empty one', { args: ['consignment:List', ''] }],
    ['non-ASCII arguments', { args: ['agreement:Propose', '{"legalBasis":"Règlement (UE) n° 952/2013 – 税関"}'] }],
    ['a transient map (keys out of order)', { args: ['consignment:Lodge', 'x'], transient: { salts: Buffer.from('{"a":1}'), declaration: Buffer.from('{}') } }],
    ['an empty transient map', { args: ['consignment:Get', 'y'], transient: {} }],
    ['a time on a whole second', { args: ['consignment:Get', 'z'], timestamp: new Date('2026-11-28T10:00:00.000Z') }],
    ['a time long ago', { args: ['consignment:Get', 'z'], timestamp: new Date(1) }],
  ];
  for (const [name, overrides] of cases) {
    it(`writes the bytes google-protobuf writes: ${name}`, () => {
      const input: ProposalInput = {
        channelId: 'customs',
        chaincode: 'customs-ledger',
        args: [],
        signer,
        timestamp: new Date('2026-11-28T21:23:34.217Z'),
        ...overrides,
      };
      const built = buildProposal(input);
      const reference = referenceProposal(input, built);
      const signed = peer.SignedProposal.deserializeBinary(built.signedProposal);
      assert.deepEqual(Buffer.from(signed.getProposalBytes_asU8()), Buffer.from(reference.proposalBytes));
      assert.deepEqual(Buffer.from(built.proposalPayloadForBlock), Buffer.from(reference.payloadForBlock));
      assert.ok(verify('sha256', reference.proposalBytes, { key: publicKey, dsaEncoding: 'der' }, signed.getSignature_asU8()));
      assert.ok(isLowS(signed.getSignature_asU8()));
      assertSameDecoding(built.signedProposal);
      const decoded = decodeSignedProposal(built.signedProposal);
      assert.equal(decoded.transactionId, built.transactionId);
      assert.deepEqual(decoded.args, input.args);
      assert.deepEqual(decoded.proposalHash, built.proposalHash);
      assert.deepEqual([...decoded.transient.keys()].sort(), Object.keys(input.transient ?? {}).sort());
      assert.equal(decoded.timestamp.getTime(), input.timestamp!.getTime());
    });
  }

  it('decodes as google-protobuf does: every optional field set, unknown and repeated fields', () => {
    const id = new msp.SerializedIdentity();
    id.setMspid('BECustomsMSP');
    id.setIdBytes(Buffer.from(signer.certificatePem));
    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName('customs-ledger');
    chaincodeId.setVersion('1.0');
    chaincodeId.setPath('github.com/x');
    const ci = new peer.ChaincodeInput();
    ci.setArgsList([Buffer.from('consignment:Get'), Buffer.alloc(0), Buffer.from('é')]);
    ci.getDecorationsMap().set('d', Buffer.from('v'));
    ci.setIsInit(true);
    const spec = new peer.ChaincodeSpec();
    spec.setType(peer.ChaincodeSpec.Type.GOLANG);
    spec.setChaincodeId(chaincodeId);
    spec.setInput(ci);
    spec.setTimeout(30);
    const invocation = new peer.ChaincodeInvocationSpec();
    invocation.setChaincodeSpec(spec);
    const cpp = new peer.ChaincodeProposalPayload();
    cpp.setInput(withUnknown(invocation.serializeBinary()));
    cpp.getTransientmapMap().set('b', Buffer.from('2'));
    cpp.getTransientmapMap().set('a', Buffer.alloc(0));
    const ch = new common.ChannelHeader();
    ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
    ch.setVersion(2);
    ch.setTimestamp(Timestamp.fromDate(new Date('2026-01-02T03:04:05.678Z')));
    ch.setChannelId('customs');
    ch.setTxId('first');
    ch.setEpoch(7);
    ch.setExtension$(Buffer.from([1, 2, 3]));
    ch.setTlsCertHash(Buffer.from([4]));
    const sh = new common.SignatureHeader();
    sh.setCreator(id.serializeBinary());
    sh.setNonce(Buffer.from('nonce'));
    const header = new common.Header();
    // the transaction id occurs twice: the last one counts
    header.setChannelHeader(Buffer.concat([ch.serializeBinary(), Buffer.from([0x2a, 0x04]), Buffer.from('last')]));
    header.setSignatureHeader(withUnknown(sh.serializeBinary()));
    const proposal = new peer.Proposal();
    proposal.setHeader(withUnknown(header.serializeBinary()));
    proposal.setPayload(withUnknown(cpp.serializeBinary()));
    proposal.setExtension$(Buffer.from('ext'));
    const signed = new peer.SignedProposal();
    signed.setProposalBytes(proposal.serializeBinary());
    signed.setSignature(Buffer.from('sig'));
    const bytes = withUnknown(signed.serializeBinary());
    assertSameDecoding(bytes);
    assert.equal(decodeSignedProposal(bytes).transactionId, 'last');
    assertSameDecoding(new peer.SignedProposal().serializeBinary());
  });

  it('refuses truncated and malformed proposals', () => {
    const built = buildProposal({ channelId: 'customs', chaincode: 'customs-ledger', args: ['consignment:Get', 'x'], signer });
    assert.throws(() => decodeSignedProposal(built.signedProposal.subarray(0, built.signedProposal.length - 3)));
    assert.throws(() => decodeSignedProposal(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])));
    assert.throws(() => decodeSignedProposal(Buffer.from([0x08, 0x01])), /wire type/);
  });

  it('gives every proposal its own nonce and transaction id', () => {
    const ids = new Set<string>();
    const nonces = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const built = buildProposal({ channelId: 'customs', chaincode: 'customs-ledger', args: ['consignment:Get', 'x'], signer });
      ids.add(built.transactionId);
      nonces.add(Buffer.from(common.SignatureHeader.deserializeBinary(built.signatureHeader).getNonce_asU8()).toString('hex'));
    }
    assert.equal(ids.size, 600);
    assert.equal(nonces.size, 600);
  });

  it('makes the creator again when a wallet identity changes', () => {
    const identity = { ...signer };
    const first = buildProposal({ channelId: 'customs', chaincode: 'customs-ledger', args: ['a:B'], signer: identity });
    identity.mspId = 'BECustomsMSP';
    const second = buildProposal({ channelId: 'customs', chaincode: 'customs-ledger', args: ['a:B'], signer: identity });
    assert.equal(msp.SerializedIdentity.deserializeBinary(first.creator).getMspid(), 'NLCustomsMSP');
    assert.equal(msp.SerializedIdentity.deserializeBinary(second.creator).getMspid(), 'BECustomsMSP');
  });

  it('writes varints as protobuf does and refuses negative ones', () => {
    assert.deepEqual([...new ProtoWriter().varint(1, 300).finish()], [0x08, 0xac, 0x02]);
    assert.deepEqual([...new ProtoWriter().varint(1, 2 ** 40).finish()], [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    assert.deepEqual([...new ProtoWriter().varint(1, 0).string(2, '').bytes(3, new Uint8Array()).finish()], []);
    assert.throws(() => new ProtoWriter().varint(1, -1), RangeError);
  });
});
